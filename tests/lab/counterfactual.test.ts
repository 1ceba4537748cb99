// Counterfactual replay and decision probabilities on a real tiny demo run (real model, real SQLite, the real
// local search engine and cache), driven as the UI drives them: jobs started through the engine, results read back
// through the API.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { DecisionProbabilities, type TrajectoryDetail } from '../../src/shared/contract';
import { Policy } from '../../src/main/model/tiny/policy';
import { readState } from '../../src/main/rl/train/state';
import { imageToPixels } from '../../src/main/model/tiny/pixels';
import { useRunFixture } from '../helpers/run-fixture';
import { checkpointPolicyModel } from '../../src/main/rl/train/checkpoint-run';
import type { TinyPolicyModel } from '../../src/main/model/families/tiny';
import { runJob } from '../helpers/jobs';

let engine: Engine;
let runId: number;
let pretrained: number;

useRunFixture((fixture) => {
  ({ engine, runId } = fixture);
  pretrained = engine.store.repos.runs.allCheckpoints().at(-1)!.id;
});

const runNamed = async (suffix: string) => (await engine.call('runs.list', {})).find((r) => r.name.endsWith(suffix))!;
const firstOf = async (suffix: string) =>
  (await engine.call('trajectories.list', { runId: (await runNamed(suffix)).id, limit: 1 })).items[0];
const cacheRows = () => (engine.store.db.prepare('SELECT count(*) AS n FROM search_cache').get() as { n: number }).n;
const cacheLog = () =>
  engine.store.db.prepare('SELECT status, count(*) AS n FROM search_calls GROUP BY status').all() as {
    status: string;
    n: number;
  }[];

async function replay(params: Record<string, unknown>) {
  const job = await runJob(engine, 'trajectories.replay', params);
  expect(job.error).toBeNull();
  expect(job.status).toBe('succeeded');
  return engine.call('replay.get', { id: (job.result as { replayId: number }).replayId });
}

describe('counterfactual replay', () => {
  it('lists the decision points of a trajectory with the choices the search budget leaves', async () => {
    const rag = await firstOf('pre-trained (rag)');
    const options = await engine.call('replay.options', { trajectoryId: rag.id });
    // RAG: image search, text search, answer, under the limits its evaluation recorded (1 image and 1 text search):
    // by the answer both searches are spent, so there is no other choice there.
    expect(options.decisions).toEqual([
      { turn: 0, action: 'image_search', alternatives: ['answer', 'text_search'], defaultForce: 'answer' },
      { turn: 1, action: 'text_search', alternatives: ['answer'], defaultForce: 'answer' },
      { turn: 2, action: 'answer', alternatives: [], defaultForce: null },
    ]);
    expect(options.checkpoints.map((c) => c.id)).toContain(pretrained);
    // The demo's evaluations name the checkpoint they evaluated, so it is the default.
    expect(options).toMatchObject({ defaultCheckpointId: pretrained, generatedBy: pretrained });
  });

  it("knows which checkpoint sampled a GRPO step's rollouts (the policy before the step's update)", async () => {
    const at = async (step: number) => (await engine.call('trajectories.list', { runId, step, limit: 1 })).items[0].id;
    // Step 1 was sampled by the run's starting checkpoint; step 3's policy (after step 2) was not kept, so the
    // closest kept before it is offered, and the final checkpoint (after step 3's update) is not claimed to be it.
    expect(await engine.call('replay.options', { trajectoryId: await at(1) })).toMatchObject({
      generatedBy: pretrained,
      defaultCheckpointId: pretrained,
    });
    expect(await engine.call('replay.options', { trajectoryId: await at(3) })).toMatchObject({
      generatedBy: null,
      defaultCheckpointId: pretrained,
    });
  });

  it('answers instead of searching: earlier turns replayed verbatim, the action at turn k changed, the reward computed', async () => {
    const rag = await firstOf('pre-trained (rag)');
    const original: TrajectoryDetail = await engine.call('trajectories.get', { id: rag.id });
    const entries = cacheRows();
    const r = await replay({ trajectoryId: rag.id, turn: 1, checkpointId: pretrained });
    expect(r).toMatchObject({
      trajectoryId: rag.id,
      turn: 1,
      forced: 'answer',
      cacheMode: 'replay-only',
      checkpointId: pretrained,
    });
    const [first, forced] = r.outcome.turns;
    // Turn 1 is replayed as it was, tool result included.
    expect(first.origin).toBe('original');
    expect(first.responseText).toBe(original.turnList[0].responseText);
    expect(first.action).toBe(original.turnList[0].action);
    expect(first.toolResult?.text).toBe(original.turnList[0].toolResult?.text);
    expect(first.toolResult?.images).toEqual(original.turnList[0].toolResult?.images);
    // Turn 2 answers where the trajectory searched, with the same reasoning.
    expect(original.turnList[1].action).toBe('text_search');
    expect(forced).toMatchObject({ origin: 'forced', action: 'answer' });
    expect(forced.responseText.startsWith(`<reason>${original.turnList[1].reasoning}</reason><answer>`)).toBe(true);
    expect(r.outcome.turns).toHaveLength(2);
    expect(r.outcome.endReason).toBe('answered');
    expect(r.outcome.finalAnswer).toBe(forced.actionArg);
    // The run's reward spec (the method's default): (1 − α)·score·(searched and correct ? 1 − penalty : 1) + α·format.
    const { score, format, total } = r.outcome.reward;
    expect(r.outcome.reward.spec).toMatch(/^mmsearch-r1 v\d+$/);
    expect(r.outcome.reward.variables.searches).toBe(1);
    expect(total).toBeCloseTo(0.9 * score * (score > 0 ? 0.9 : 1) + 0.1 * format, 9);
    expect(cacheRows()).toBe(entries);
    // Stored: the trajectory's replays list it.
    expect((await engine.call('replay.list', { trajectoryId: rag.id })).map((x) => x.id)).toContain(r.id);
  }, 60_000);

  it('searches instead of answering in replay-only mode without any live search', async () => {
    const direct = await firstOf('pre-trained (direct)');
    const original = await engine.call('trajectories.get', { id: direct.id });
    expect(original.turnList[0].action).toBe('answer');
    const entries = cacheRows();
    const logBefore = cacheLog();
    const image = await replay({ trajectoryId: direct.id, turn: 0, checkpointId: pretrained });
    expect(image.forced).toBe('image_search'); // the other choice: image search while its budget allows
    expect(image.outcome.turns[0]).toMatchObject({ origin: 'forced', action: 'image_search' });
    expect(image.outcome.turns[0].responseText).toBe(
      `<reason>${original.turnList[0].reasoning}</reason><search><img></search>`,
    );
    const text = await replay({
      trajectoryId: direct.id,
      turn: 0,
      force: 'text_search',
      checkpointId: pretrained,
      temperature: 1,
      seed: 7,
    });
    expect(text.outcome.turns[0]).toMatchObject({
      origin: 'forced',
      action: expect.stringMatching(/text_search|invalid/),
    });
    for (const r of [image, text]) {
      expect(r.outcome.original).toBe('answer');
      expect(r.outcome.reward.variables.turns).toBe(r.outcome.turns.length);
      for (const t of r.outcome.turns) if (t.toolResult) expect(['hit', 'replay-miss']).toContain(t.toolResult.cache);
      // A miss is an error the model saw (and the user sees), not a call.
      for (const t of r.outcome.turns) if (t.toolResult?.cache === 'replay-miss') expect(t.toolResult.ok).toBe(false);
      expect(r.outcome.toolErrors).toBe(r.outcome.turns.filter((t) => t.toolResult && !t.toolResult.ok).length);
    }
    // The question's image was searched by the RAG evaluation: the forced image search hits the cache.
    expect(image.outcome.turns[0].toolResult?.cache).toBe('hit');
    // And it is shown as the evaluation showed results to the demo's model: titles only, no thumbnails.
    const ragImageSearch = (await engine.call('trajectories.get', { id: (await firstOf('pre-trained (rag)')).id }))
      .turnList[0].toolResult;
    expect(ragImageSearch?.images).toEqual([]);
    expect(image.outcome.turns[0].toolResult?.images).toEqual([]);
    expect(cacheRows()).toBe(entries);
    const after = cacheLog();
    const count = (log: typeof after, status: string) => log.find((l) => l.status === status)?.n ?? 0;
    for (const status of ['miss', 'refreshed', 'error']) expect(count(after, status)).toBe(count(logBefore, status));
  }, 60_000);

  it('refuses what is no counterfactual', async () => {
    const rag = await firstOf('pre-trained (rag)');
    await expect(
      replay({ trajectoryId: rag.id, turn: 1, force: 'text_search', checkpointId: pretrained }),
    ).rejects.toThrow();
    const failed = await runJob(engine, 'trajectories.replay', {
      trajectoryId: rag.id,
      turn: 1,
      force: 'image_search',
      checkpointId: pretrained,
    });
    expect(failed.error).toMatch(/Cannot force image_search at turn 2: the choices there are answer/);
    await expect(
      engine.call('jobs.start', {
        kind: 'trajectories.replay',
        params: { trajectoryId: rag.id, turn: 0, cacheMode: 'sometimes' },
      }),
    ).rejects.toThrow(/cacheMode/);
    await expect(engine.call('replay.get', { id: 999_999 })).rejects.toThrow(/No replay/);
  }, 60_000);
});

describe('decision probabilities', () => {
  async function probabilities(trajectoryId: number, checkpointId?: number) {
    const job = await runJob(engine, 'trajectories.decisions', {
      trajectoryId,
      ...(checkpointId ? { checkpointId } : {}),
    });
    expect(job.error).toBeNull();
    return DecisionProbabilities.parse(job.result);
  }

  it("gives each action tag's probability at every decision point, matching a direct log-prob computation", async () => {
    const rag = await firstOf('pre-trained (rag)');
    const detail = await engine.call('trajectories.get', { id: rag.id });
    const result = await probabilities(rag.id, pretrained);
    // The baseline's forced turns close their reasoning, then take image search, text search, answer.
    expect(result.decisions.map((d) => [d.turn, d.taken, d.sampled])).toEqual([
      [0, 'image_search', false],
      [1, 'text_search', false],
      [2, 'answer', false],
    ]);
    const model = readState(engine.store.repos.runs.checkpoint(pretrained)!.path).model;
    const tok = model.tokenizer;
    const size = model.config.vision_config.image_size;
    const bytes = (sha: string) => engine.store.repos.images.get(sha)!.bytes;
    const images = await Promise.all(
      [detail.sample!.imageSha256!, ...detail.turnList.flatMap((t) => t.toolResult?.images ?? [])].map((sha) =>
        imageToPixels(bytes(sha), size),
      ),
    );
    const policy = new Policy(model, { device: 'cpu' });
    try {
      for (const d of result.decisions) {
        const p = d.probabilities;
        for (const v of Object.values(p)) expect(v >= 0 && v <= 1).toBe(true);
        expect(p.image_search + p.text_search + p.answer).toBeLessThanOrEqual(1 + 1e-6);
        // The token at the decision is the tag the trajectory took; the context before it ends with </reason>.
        expect(tok.decode([detail.tokens.ids[d.position]])).toBe(
          { image_search: '<search>', text_search: '<text_search>', answer: '<answer>' }[d.taken!],
        );
        const context = detail.tokens.ids.slice(0, d.position);
        expect(tok.decode(context.slice(-1))).toBe('</reason>');
        const n = context.filter((id) => id === tok.ids.visionStart).length;
        for (const [action, tag] of [
          ['image_search', '<search>'],
          ['text_search', '<text_search>'],
          ['answer', '<answer>'],
        ] as const) {
          const { logprobs } = await policy.logprobs([
            { ids: [...context, ...tok.encode(tag)], images: images.slice(0, n) },
          ]);
          expect(p[action]).toBeCloseTo(Math.exp(logprobs[0][d.position]), 4);
        }
      }
    } finally {
      await policy.release();
    }
  }, 60_000);

  it('agrees with the behaviour log-prob recorded where the generating policy wrote the tag itself', async () => {
    // The pre-trained policy's evaluation is greedy, and the fixture's model is made on one ONNX Runtime thread (as
    // the demo's are), so its trajectories come out the same on every run: each closes its reasoning and then writes
    // its action tag itself, a decision to compare on every run. Step 1's GRPO rollouts were sampled at temperature
    // 1 by the same checkpoint: those that wrote a tag after </reason> are compared too.
    const policyEval = (await engine.call('runs.list', {})).find((r) => r.name.endsWith('pre-trained (policy)'))!;
    const { items: greedy } = await engine.call('trajectories.list', { runId: policyEval.id, limit: 100 });
    const { items: sampled } = await engine.call('trajectories.list', { runId, step: 1, limit: 100 });
    expect(greedy.length).toBeGreaterThan(0);
    const greedyIds = new Set(greedy.map((t) => t.id));
    let comparedGreedy = 0;
    for (const t of [...greedy, ...sampled]) {
      const detail = await engine.call('trajectories.get', { id: t.id });
      const closesReasoning = detail.tokens.texts?.some((x, i) => x === '</reason>' && detail.tokens.lossMask[i]);
      if (!greedyIds.has(t.id) && !closesReasoning) continue; // a sampled rollout with no decision of its own
      const result = await probabilities(t.id);
      expect(result.checkpointId).toBe(pretrained);
      const ownTags = result.decisions.filter((x) => x.sampled && x.taken);
      for (const d of ownTags)
        expect(d.probabilities[d.taken!]).toBeCloseTo(Math.exp(detail.tokens.logprobs[d.position]), 3);
      if (greedyIds.has(t.id)) {
        expect(ownTags.length, `evaluation trajectory ${t.id} writes its own tag`).toBeGreaterThan(0);
        comparedGreedy += ownTags.length;
      }
    }
    expect(comparedGreedy).toBeGreaterThanOrEqual(greedy.length);
  }, 120_000);
});

describe('work on a checkpoint after its run', () => {
  it("computes on the device and with the ONNX Runtime threads of the checkpoint's run, so it repeats as the run did", () => {
    // The demo's GRPO run asks for one thread (runtime.cpuThreads); replays, decision probabilities, evaluations
    // and label suggestions of its checkpoints use them. The pre-trained model belongs to no run: ORT's choice.
    const [last] = engine.store.repos.runs.checkpoints(runId).slice(-1);
    const optionsOf = (checkpoint: { id: number; path: string }) =>
      (checkpointPolicyModel(engine.store, checkpoint) as TinyPolicyModel).policy.options;
    expect(optionsOf(last)).toMatchObject({ threads: 1, device: 'auto' });
    expect(optionsOf(engine.store.repos.runs.checkpoint(pretrained)!).threads).toBeUndefined();
  });
});
