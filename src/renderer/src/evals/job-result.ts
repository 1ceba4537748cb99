// What an eval.run job stored, read from its result: the Evaluations page shows exactly those evaluations when
// the job it started finishes, whatever else finished meanwhile.

/** The ids of the evaluations an eval.run job stored, in the order they ran; [] for a result without them. */
export function evaluationIdsOf(result: unknown): number[] {
  const ids = (result as { evaluationIds?: unknown } | null)?.evaluationIds;
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
}
