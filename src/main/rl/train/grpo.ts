// A GRPO run, one committed step at a time: rollouts → rewards → group advantages → policy update → one
// transaction that stores the step's trajectories, metrics and step number. The policy and optimizer state of
// every committed step is on disk before the step is committed, so a run killed at any moment resumes from its
// last committed step: no completed trajectory lost, no step done twice.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../storage';
import type { Logger } from '../../platform/log';
import { bucketLength, Policy } from '../../model';
import { TinyPolicyModel } from '../../model';
import { ShapedTrainers } from '../../model';
import { SearchBudget } from '../../search';
import { compileTemplates } from '../protocol/templates';
import { compileReward } from '../reward/spec';
import { batchAdvantages } from '../grpo/advantages';
import { grpoLoss, GRPO_INPUTS } from '../grpo/loss';
import { runRollouts } from '../rollout/engine';
import { scoreTrajectory } from '../rollout/score';
import { searchRolloutTools } from '../rollout/search-tools';
import type { Trajectory } from '../rollout/types';
import { parseRunConfig } from './config';
import { learningRate } from './schedule';
import { loadModel } from './model-source';
import { readState, writeState, stateFolder, copyFolder } from './state';
import { trainingSamples } from './samples';
import { memoryMetrics, rolloutMetrics } from './metrics';
import { storeTrajectory } from './persist';

export interface RunContext {
  store: Store;
  home: string;
  log: Logger;
  progress(done: number, total: number, message: string): void;
  cancelled(): boolean;
}

export async function runGrpo(ctx: RunContext, runId: number): Promise<{ step: number; finished: boolean }> {
  const { store, home } = ctx;
  const run = store.repos.runs.get(runId);
  if (!run) throw new Error(`No run with id ${runId}`);
  const config = parseRunConfig(run.config);
  const first = run.step + 1;
  // Checked before anything runs: a spec stored before specs were domain-checked fails here, not after rollouts.
  let reward: ReturnType<typeof compileReward>;
  try {
    reward = compileReward(config.reward);
  } catch (error) {
    throw new Error(`Run ${runId} cannot train: its reward spec fails the check: ${(error as Error).message}`);
  }
  store.repos.runs.setStatus(runId, 'running');

  // The reference policy is the starting policy, kept as state-0 for the whole run.
  const referenceDir = stateFolder(home, runId, 0);
  if (!fs.existsSync(referenceDir))
    writeState(referenceDir, loadModel(store, config.model), null, config.rollout.templates);
  const resumed =
    run.step > 0
      ? readState(stateFolder(home, runId, run.step))
      : { model: readState(referenceDir).model, optimizerFile: null };
  const model = resumed.model;
  const threads = config.runtime.cpuThreads ?? undefined;
  const policy = new Policy(model, { device: config.runtime.device, threads });
  // Frozen: the reference's weights are constants in its graphs, never fed per call.
  const reference =
    config.grpo.klCoef > 0
      ? new Policy(readState(referenceDir).model, { device: config.runtime.device, frozen: true, threads })
      : null;

  const maxLength = Math.min(config.grpo.maxSequenceLength, model.config.max_position_embeddings);
  const device = (await policy.device()).kind;
  const microBatch = Math.min(config.grpo.microBatch ?? config.grpo.miniBatch, config.grpo.miniBatch);
  const trainers = new ShapedTrainers(
    policy,
    {
      loss: grpoLoss({
        clipRatio: config.grpo.clipRatio,
        klCoef: config.grpo.klCoef,
        entropyCoef: config.grpo.entropyCoef,
      }),
      trainable: model.lora ? 'lora' : 'all',
      optimizer: { lr: config.grpo.lr, maxGradNorm: config.grpo.maxGradNorm, weightDecay: config.grpo.weightDecay },
    },
    resumed.optimizerFile,
  );

  const specId = store.repos.trajectories.ensureSpec(config.reward);
  const templates = compileTemplates(config.rollout.templates);
  const budget = new SearchBudget({ maxCalls: config.search.maxCalls, maxCost: config.search.maxCost });
  const tools = searchRolloutTools(store, home, {
    engine: config.search.engine,
    corpus: config.search.corpus,
    mode: config.search.mode,
    budget,
    thumbnails: config.search.thumbnails,
    links: config.search.links,
  });
  const samples = trainingSamples(store, config.dataset, config.split, config.seed, config.searchRequiredShare);
  const limits = {
    maxTurns: config.rollout.maxTurns,
    maxImageSearches: config.rollout.maxImageSearches,
    maxTextSearches: config.rollout.maxTextSearches,
    maxTokensPerTurn: config.rollout.maxTokensPerTurn,
    maxTotalTokens: config.rollout.maxTotalTokens,
    maxPromptTokens: config.rollout.maxPromptTokens,
  };

  let step = run.step;
  try {
    for (let s = first; s <= config.grpo.steps; s++) {
      if (ctx.cancelled()) break;
      const started = performance.now();
      const prompts = samples.forStep(s, config.grpo.batchPrompts);
      const trajectories = await runRollouts(new TinyPolicyModel(policy), prompts, {
        groupSize: config.rollout.groupSize,
        templates,
        tools,
        limits,
        maxLength,
        sampling: { temperature: config.rollout.temperature, topP: config.rollout.topP },
        seed: config.seed * 100_003 + s,
      });
      const rewards = trajectories.map((t) => {
        try {
          return scoreTrajectory(reward, t, s);
        } catch (error) {
          // A spec that fails on one trajectory pauses the run with the reason; nothing of this step is committed.
          store.repos.runs.setStatus(runId, 'paused');
          throw new Error(
            `Run ${runId} paused: the reward spec failed at step ${s} on group ${t.groupIndex}, sample ${t.sampleIndex}: ${(error as Error).message}`,
          );
        }
      });
      const { advantages, zeroVarianceGroups, groups } = batchAdvantages(
        rewards.map((r) => r.total),
        config.rollout.groupSize,
      );
      const rolloutSeconds = (performance.now() - started) / 1000;
      const lr = learningRate(s, { ...config.grpo });
      // Each step trains at its own padded shape: its longest trajectory and its most images in a row.
      const stepLength = Math.min(maxLength, bucketLength(Math.max(...trajectories.map((t) => t.ids.length)), 32));
      const stepImages = Math.max(...trajectories.map((t) => t.images.length));
      const trainer = await trainers.for({ batch: microBatch, length: stepLength, images: stepImages * microBatch });
      const update = await updatePolicy(trainer, reference, trajectories, advantages, {
        length: stepLength,
        lr,
        imagesPerRow: stepImages,
        miniBatch: config.grpo.miniBatch,
      });
      const generated = trajectories.reduce((n, t) => n + t.generatedTokens, 0);
      const seconds = (performance.now() - started) / 1000;
      const rollout = rolloutMetrics(trajectories, rewards, zeroVarianceGroups, groups);
      const metrics: Record<string, number> = {
        ...rollout,
        ...update,
        lr,
        step_seconds: seconds,
        rollout_seconds: rolloutSeconds,
        tokens_per_second: generated / Math.max(rolloutSeconds, 1e-9),
        ...memoryMetrics(device),
      };

      // Durable first: the state this step produced, then (if due) a checkpoint, then the commit.
      const stateDir = stateFolder(home, runId, s);
      writeState(stateDir, model, trainer.trainer, config.rollout.templates);
      const checkpointDue = s % config.checkpointEvery === 0 || s === config.grpo.steps;
      const checkpointDir = path.join(home, 'checkpoints', `run-${runId}`, `step-${s}`);
      if (checkpointDue) copyFolder(stateDir, checkpointDir);
      store.db.transaction(() => {
        const checkpointId = checkpointDue
          ? store.repos.runs.addCheckpoint(runId, s, checkpointDir, model.config)
          : null;
        trajectories.forEach((t, i) =>
          storeTrajectory(
            store,
            { runId, step: s, checkpointId, evaluationId: null, specId },
            t,
            rewards[i],
            advantages[i],
          ),
        );
        store.repos.runs.putMetrics(runId, s, metrics);
        store.repos.runs.commitStep(runId, s);
      })();
      if (s - 1 > 0) fs.rmSync(stateFolder(home, runId, s - 1), { recursive: true, force: true });
      step = s;
      ctx.progress(
        s,
        config.grpo.steps,
        `step ${s}: reward ${rollout.reward_mean.toFixed(3)}, accuracy ${rollout.accuracy.toFixed(3)}, search ${rollout.search_ratio.toFixed(2)}`,
      );
    }
  } finally {
    await trainers.release();
    await policy.release();
    await reference?.release();
  }
  const finished = step >= config.grpo.steps;
  store.repos.runs.setStatus(runId, finished ? 'finished' : 'paused');
  return { step, finished };
}

/** What a policy update reads of a trajectory. */
export type TrainingRow = Pick<Trajectory, 'ids' | 'lossMask' | 'logprobs' | 'images'>;

/** One micro-batch's rows for the trainer's graph: the sequences and the loss's inputs. */
async function lossFeeds(
  reference: Policy | null,
  rows: { t: TrainingRow; advantage: number; real: boolean }[],
  length: number,
  imagesPerRow: number,
) {
  for (const { t } of rows) {
    if (t.ids.length > length)
      throw new Error(`A trajectory has ${t.ids.length} tokens, more than grpo.maxSequenceLength ${length}`);
    if (t.images.length > imagesPerRow)
      throw new Error(`A trajectory has ${t.images.length} images, more than a training row holds (${imagesPerRow})`);
  }
  const B = rows.length;
  const seqs = rows.map(({ t }) => ({ ids: t.ids, images: t.images.map((i) => i.pixels) }));
  const mask = new Float32Array(B * length);
  const old = new Float32Array(B * length);
  rows.forEach(({ t, real }, b) => {
    if (!real) return;
    t.lossMask.forEach((m, i) => (mask[b * length + i] = m));
    t.logprobs.forEach((lp, i) => (old[b * length + i] = lp));
  });
  const feeds: Record<string, Float32Array> = {
    [GRPO_INPUTS.mask]: mask,
    [GRPO_INPUTS.old]: old,
    [GRPO_INPUTS.advantages]: Float32Array.from(rows.map((r) => r.advantage)),
  };
  if (reference) {
    const { logprobs } = await reference.logprobs(seqs, { length });
    const ref = new Float32Array(B * length);
    logprobs.forEach((row, b) => ref.set(row, b * length));
    feeds[GRPO_INPUTS.ref] = ref;
  }
  return { seqs, feeds };
}

/**
 * One optimizer update per mini-batch. A mini-batch larger than the trainer's graph (its micro-batch) is run in
 * micro-batches whose gradients add up, each weighted by its share of the mini-batch's tokens, so the loss is
 * the token mean over the whole mini-batch, as if it had been one graph.
 */
export async function updatePolicy(
  trainer: Awaited<ReturnType<Policy['trainer']>>,
  reference: Policy | null,
  trajectories: readonly TrainingRow[],
  advantages: readonly number[],
  { length, lr, imagesPerRow, miniBatch }: { length: number; lr: number; imagesPerRow: number; miniBatch: number },
): Promise<Record<string, number>> {
  const B = trainer.shape.batch;
  const accumulate = miniBatch > B;
  const tokensOf = (t: TrainingRow) => t.lossMask.reduce((n, m) => n + m, 0);
  const sums: Record<string, number> = {};
  let passes = 0;
  let updates = 0;
  for (let start = 0; start < trajectories.length; start += miniBatch) {
    const end = Math.min(start + miniBatch, trajectories.length);
    const miniTokens = Math.max(
      1,
      trajectories.slice(start, end).reduce((n, t) => n + tokensOf(t), 0),
    );
    for (let micro = start; micro < end; micro += B) {
      const rows = trajectories
        .slice(micro, Math.min(micro + B, end))
        .map((t, i) => ({ t, advantage: advantages[micro + i], real: true }));
      const microTokens = rows.reduce((n, r) => n + tokensOf(r.t), 0);
      // The last micro-batch is filled with copies whose loss mask is all zero: they change nothing.
      while (rows.length < B) rows.push({ ...rows[0], real: false });
      const { seqs, feeds } = await lossFeeds(reference, rows, length, imagesPerRow);
      let result;
      if (accumulate) result = await trainer.accumulate(seqs, feeds, microTokens / miniTokens);
      else {
        result = await trainer.step(seqs, feeds, lr);
        sums.grad_norm = (sums.grad_norm ?? 0) + result.gradNorm;
      }
      sums.loss = (sums.loss ?? 0) + result.loss;
      for (const [k, v] of Object.entries(result.metrics)) if (typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
      passes++;
    }
    if (accumulate) sums.grad_norm = (sums.grad_norm ?? 0) + (await trainer.apply(lr)).gradNorm;
    updates++;
  }
  // Without accumulation every pass is an update, so the gradient norm is always a mean per update.
  return Object.fromEntries(
    Object.entries(sums).map(([k, v]) => [k, v / Math.max(1, k === 'grad_norm' ? updates : passes)]),
  );
}
