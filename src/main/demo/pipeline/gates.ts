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
import type { Entity, Look, Question, World } from '../world/types';
import { drawEmblem } from '../world/draw';
import { lookKey } from '../world/entities';
import { makeQuestion } from '../world/questions';
import { COLORS, PATTERNS, SHAPES } from '../world/vocabulary';
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
  /** By-picture questions about emblems no species wears, each a near twin of a familiar one (see unseenLookalikes). */
  unseen: EvalSample[];
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
  return { copying, knowledge, unseen: await unseenLookalikeSamples(world, perGroup, seed + 1) };
}

/**
 * `count` by-picture questions about emblems that no species in the world wears, each one trait away from a familiar
 * species, the hardest to tell apart (world 22's pre-trained model called 34 of 98 such pictures "seen", 4 of 62 two
 * traits away). The truthful statement is "not seen", and only a statement that generalises says it: pre-training
 * teaches "not seen" for the training split's unfamiliar species, which the knowledge check then asks about, while
 * the test's unfamiliar species are never met at all (docs/demo-world.md, "Two look-alike partners"). Reported beside
 * the checks, not one of them. Drawn with a random stream of their own, so the checks' questions stay as they were.
 */
export async function unseenLookalikeSamples(world: World, count: number, seed: number): Promise<EvalSample[]> {
  const random = new Random(seed);
  return Promise.all(
    unseenLookalikeLooks(world, count, random).map(async ({ twinOf, look }) => {
      const variation = random.int(0, 1000);
      const attribute = random.pick(['island', 'year', 'diet'] as const);
      const q = makeQuestion({ ...twinOf, familiar: false, look }, 'attribute_by_image', attribute, variation, 'train');
      return {
        sampleId: null,
        question: q.text,
        image: await drawEmblem(look, variation),
        groundTruth: q.answer,
        candidateAnswers: q.candidateAnswers,
        need: q.searchNeed,
        dataSource: UNFAMILIAR,
      };
    }),
  );
}

/** Up to `count` looks no species in the world wears, each one trait away from the familiar species `twinOf`. */
export function unseenLookalikeLooks(world: World, count: number, random: Random): { twinOf: Entity; look: Look }[] {
  const worn = new Set([...world.entities, ...world.webOnly].map((e) => lookKey(e.look)));
  const familiar = world.entities.filter((e) => e.familiar);
  const colors = Object.keys(COLORS);
  const found: { twinOf: Entity; look: Look }[] = [];
  for (let tries = 0; found.length < count && familiar.length > 0 && tries < 100 * count; tries++) {
    const twinOf = random.pick(familiar);
    const look: Look = { ...twinOf.look };
    for (const trait of [random.pick(['shape', 'background', 'foreground', 'pattern'] as const)]) {
      if (trait === 'shape') look.shape = random.pick(SHAPES.filter((s) => s !== twinOf.look.shape));
      else if (trait === 'pattern') look.pattern = random.pick(PATTERNS.filter((p) => p !== twinOf.look.pattern));
      else look[trait] = random.pick(colors.filter((c) => c !== twinOf.look[trait]));
    }
    if (look.background === look.foreground || worn.has(lookKey(look))) continue;
    worn.add(lookKey(look));
    found.push({ twinOf, look });
  }
  return found;
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
  // Apart from the checks' own batch, so that their figures stay exactly as they were measured before.
  const unseen = samples.unseen.length ? await measureUnseenLookalikes(policy, samples.unseen, tools) : null;
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
    ...(unseen === null ? {} : { unseenLookalikes: unseen }),
  };
}

/** The share of never-shown look-alike pictures (unseenLookalikeSamples) whose first turn says "not seen", greedily. */
export async function measureUnseenLookalikes(
  policy: PolicyModel,
  samples: readonly EvalSample[],
  tools: RolloutTools,
): Promise<number> {
  const turns = await runRollouts(policy, samples, {
    groupSize: 1,
    templates: compileTemplates(DEMO_TEMPLATES),
    tools,
    limits: { ...DEMO_LIMITS, maxTurns: 1 },
    sampling: { temperature: 0 },
  });
  return turns.filter((t) => (t.turns[0]?.responseText ?? '').startsWith(REASON_UNSEEN)).length / turns.length;
}

/** A gate's figures as one line for progress messages and logs. */
export function describeGates(f: GateFigures): string {
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const k = f.knowledge;
  return (
    `copying ${pct(f.copying)} (needs ${pct(GATE_THRESHOLDS.copying)}); "seen" told apart: familiar ` +
    `${pct(k.familiarByName)} by name, ${pct(k.familiarByPicture)} by picture; unfamiliar ${pct(k.unfamiliarByName)} ` +
    `by name, ${pct(k.unfamiliarByPicture)} by picture (each needs ${pct(GATE_THRESHOLDS.knowledge)})` +
    (f.unseenLookalikes === undefined
      ? ''
      : `; never-shown look-alike pictures called "not seen" ${pct(f.unseenLookalikes)} (reported, not checked)`)
  );
}
