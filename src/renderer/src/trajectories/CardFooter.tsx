// The lines every trajectory column ends with (group view, cross-checkpoint view): what it did and answered.
export function CardFooter({
  t,
}: {
  t: { turns: number; imageSearches: number; textSearches: number; finalAnswer: string | null };
}) {
  return (
    <>
      <div className="muted">
        {t.turns} turns · {t.imageSearches} image / {t.textSearches} text searches
      </div>
      <div className="lab-answer">answer: {t.finalAnswer ?? '—'}</div>
    </>
  );
}

/** A number to three places, or a dash when there is none. */
export const fmt = (value: number | null) => (value === null ? '—' : value.toFixed(3));
