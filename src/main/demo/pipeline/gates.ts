// What pre-training must have taught before GRPO takes over, measured instead of assumed. GRPO builds on two
// skills: copying a name or a fact out of search results (without it searching never pays, and GRPO learns never
// to search) and saying whether the model has seen a species (without it GRPO cannot tell when searching pays).
// Both are measured greedily on the training split's questions, each with its own picture (pre-training drew
// fresh ones for its conversations), so a gate reads what GRPO will meet.
import type { ColdStartCheck } from '../../../shared/contract';
import type { PolicyModel } from '../../model';
import { evaluatePolicies, type EvalSample } from '../../rl';
import { compileTemplates } from '../../rl';
import { runRollouts, type RolloutTools } from '../../rl';
import { Random } from '../../platform/random';
import type { Question, World } from '../world/types';
import { drawEmblem } from '../world/draw';
import { DEMO_LIMITS, DEMO_TEMPLATES } from './settings';
import { DEMO_WORDING, REASON_SEEN, REASON_UNSEEN } from './scripts';
import { FAMILIAR, UNFAMILIAR } from './workspace';

/** The share of answers each skill must reach (greedy, on the training questions) before GRPO starts. */
export const GATE_THRESHOLDS = {
  /**
   * RAG accuracy on questions about species the model was not taught. The default world's model reads 75% after
   * the reading lessons and 90% at the end; world seeds 21 and 22, whose GRPO runs fell short of the bounds
   * (RAG 31% and 18% on the test questions), read 42% and 40% at the end (measured on those runs' models).
   */
  copying: 0.6,
  /** Correct "seen" / "not seen" statements, for each of familiar and unfamiliar species, by name and by picture. */
  knowledge: 0.8,
} as const;

export type GateFigures = ColdStartCheck['figures'];
export type GateCheck = ColdStartCheck;

export const copyingPassed = (f: GateFigures): boolean => f.copying >= GATE_THRESHOLDS.copying;
export const knowledgePassed = (f: GateFigures): boolean =>
  Object.values(f.knowledge).every((share) => share >= GATE_THRESHOLDS.knowledge);

export interface GateSampleSet {
  /** Unfamiliar species' questions, for copying. */
  copying: EvalSample[];
  /** Questions for the knowledge statement, with who asks what. */
  knowledge: { sample: EvalSample; familiar: boolean; byName: boolean }[];
}

const byName = (q: Question) => q.kind === 'attribute_by_name';

/**
 * The questions the gates ask: up to `perGroup` of the training split's questions in each of the four knowledge
 * groups (familiar or not, by name or by picture), drawn with `seed`, and up to twice that of unfamiliar ones for
 * copying. Their pictures are the dataset's own (the same variation).
 */
export async function gateSamples(world: World, perGroup: number, seed: number): Promise<GateSampleSet> {
  const random = new Random(seed);
  const train = world.questions.filter((q) => q.split === 'train');
  const familiarOf = (q: Question) => world.entities[q.entityId].familiar;
  const toSample = async (q: Question): Promise<EvalSample> => ({
    sampleId: null,
    question: q.text,
    image: await drawEmblem(world.entities[q.entityId].look, q.variation),
    groundTruth: q.answer,
    candidateAnswers: q.candidateAnswers,
    need: q.searchNeed,
    dataSource: familiarOf(q) ? FAMILIAR : UNFAMILIAR,
  });
  const pick = (qs: Question[], n: number) => random.shuffle([...qs]).slice(0, n);
  const knowledge: GateSampleSet['knowledge'] = [];
  for (const familiar of [true, false])
    for (const named of [true, false])
      for (const q of pick(
        train.filter((x) => familiarOf(x) === familiar && byName(x) === named),
        perGroup,
      ))
        knowledge.push({ sample: await toSample(q), familiar, byName: named });
  const copying = await Promise.all(
    pick(
      train.filter((q) => !familiarOf(q)),
      2 * perGroup,
    ).map(toSample),
  );
  return { copying, knowledge };
}

/** Measures both skills of `policy` on `samples` (a few seconds for the quick demo's tiny model). */
export async function measureGates(
  policy: PolicyModel,
  samples: GateSampleSet,
  tools: RolloutTools,
): Promise<GateFigures> {
  const rag = await evaluatePolicies(policy, samples.copying, {
    policies: ['rag'],
    tools,
    templates: DEMO_TEMPLATES,
    limits: DEMO_LIMITS,
    wording: DEMO_WORDING,
  });
  // One turn each: the statement opens it, and a search the model then writes ends the rollout without running.
  const firstTurns = await runRollouts(
    policy,
    samples.knowledge.map((k) => k.sample),
    {
      groupSize: 1,
      templates: compileTemplates(DEMO_TEMPLATES),
      tools,
      limits: { ...DEMO_LIMITS, maxTurns: 1 },
      sampling: { temperature: 0 },
    },
  );
  const truthful = samples.knowledge.map(({ familiar }, i) => {
    const said = firstTurns[i].turns[0]?.responseText ?? '';
    return said.startsWith(familiar ? REASON_SEEN : REASON_UNSEEN);
  });
  const share = (familiar: boolean, named: boolean) => {
    const group = samples.knowledge
      .map((k, i) => ({ ...k, ok: truthful[i] }))
      .filter((k) => k.familiar === familiar && k.byName === named);
    return group.length ? group.filter((k) => k.ok).length / group.length : 0;
  };
  return {
    copying: rag.rag.accuracy,
    knowledge: {
      familiarByName: share(true, true),
      familiarByPicture: share(true, false),
      unfamiliarByName: share(false, true),
      unfamiliarByPicture: share(false, false),
    },
  };
}

/** A gate's figures as one line for progress messages and logs. */
export function describeGates(f: GateFigures): string {
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const k = f.knowledge;
  return (
    `copying ${pct(f.copying)} (needs ${pct(GATE_THRESHOLDS.copying)}); "seen" told apart: familiar ` +
    `${pct(k.familiarByName)} by name, ${pct(k.familiarByPicture)} by picture; unfamiliar ${pct(k.unfamiliarByName)} ` +
    `by name, ${pct(k.unfamiliarByPicture)} by picture (each needs ${pct(GATE_THRESHOLDS.knowledge)})`
  );
}
