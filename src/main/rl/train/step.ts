// One GRPO step, computed and not yet stored: rollouts from the current policy, their rewards and group
// advantages, the policy update and the step's metrics. The step writes nothing; what it returns is what the
// step's commit (commit.ts) makes durable, so a step that fails or is cut short leaves no trace of itself.
// The pieces every step shares (the policy, its reference, the trainers, the search tools, the samples) are set
// up once per run by openTraining.
import fs from 'node:fs';
import type { Store } from '../../storage';
import {
  bucketLength,
  checkTrainable,
  openTrainablePolicy,
  type PolicyTrainers,
  type TrainablePolicy,
} from '../../model';
import { SearchBudget } from '../../search';
import { compileTemplates } from '../protocol/templates';
import type { CompiledReward, RewardBreakdown } from '../reward/spec';
import { batchAdvantages } from '../grpo/advantages';
import { grpoLoss } from '../grpo/loss';
import { runRollouts, type RolloutOptions } from '../rollout/engine';
import { scoreTrajectory } from '../rollout/score';
import { searchRolloutTools } from '../rollout/search-tools';
import { throwIfSearchesStopped } from '../rollout/search-stop';
import type { Trajectory } from '../rollout/types';
import type { RunConfig } from './config';
import { learningRate } from './schedule';
import { modelFolder, trainingShape } from './model-source';
import { optimizerFileOf, writeState, stateFolder } from './state';
import { trainingSamples, type TrainingSamples } from './samples';
import { memoryMetrics, rolloutMetrics } from './metrics';
import { updatePolicy } from './update';

/** What every step of a run uses: opened once by openTraining, released once by releaseTraining. */
export interface Training {
  runId: number;
  config: RunConfig;
  reward: CompiledReward;
  /** The policy (of any family), its weights trained in place step after step. */
  policy: TrainablePolicy;
  /** The starting policy, frozen; null when the loss has no KL term. */
  reference: TrainablePolicy | null;
  trainers: PolicyTrainers;
  device: 'cpu' | 'cuda';
  maxLength: number;
  microBatch: number;
  specId: number;
  /** The rollout options every step shares (its sampling seed is the step's own). */
  rollout: Pick<RolloutOptions, 'groupSize' | 'templates' | 'tools' | 'limits' | 'maxLength'>;
  samples: TrainingSamples;
}

/** What one step produced, for the step's commit to store. */
export interface StepOutcome {
  step: number;
  trajectories: Trajectory[];
  rewards: RewardBreakdown[];
  advantages: number[];
  /** The rollout's figures alone (reward, accuracy, search ratio …), also part of `metrics`. */
  rollout: Record<string, number>;
  metrics: Record<string, number>;
}

/** A reward spec that failed on one of a step's trajectories: the run pauses with this reason. */
export class RewardFailure extends Error {
  constructor(
    message: string,
    /** The step it failed at and the trajectory it failed on, kept so the debugger can show it. */
    readonly step: number,
    readonly trajectory: Trajectory,
    /** The spec's own error message. */
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * The run's policy (resumed from its last committed step, or the starting policy), the reference policy, the
 * trainers and the rollout's tools and samples. The reference policy is the starting policy, kept as state-0 for
 * the whole run.
 */
export async function openTraining(
  store: Store,
  home: string,
  run: { id: number; step: number },
  config: RunConfig,
  reward: CompiledReward,
): Promise<Training> {
  const referenceDir = stateFolder(home, run.id, 0);
  const threads = config.runtime.cpuThreads ?? undefined;
  const device = config.runtime.device;
  const training = trainingShape(config);
  if (!fs.existsSync(referenceDir)) {
    const source = modelFolder(store, config.model);
    // before any weight is read: the folder's files and what training it needs against the memory available
    checkTrainable(source, training);
    const start = openTrainablePolicy(source, { device, threads, frozen: true });
    try {
      writeState(referenceDir, start, null, config.rollout.templates);
    } finally {
      await start.release();
    }
  }
  const microBatch = training.batch;
  const stateDir = run.step > 0 ? stateFolder(home, run.id, run.step) : referenceDir;
  const policy = openTrainablePolicy(stateDir, { device, threads, training });
  let reference: TrainablePolicy | null = null;
  try {
    // Frozen: the reference's weights are constants in its graphs (or on the GPU), never fed per call.
    if (config.grpo.klCoef > 0) reference = openTrainablePolicy(referenceDir, { device, threads, frozen: true });
    return await trainingOf(store, home, run, config, reward, { policy, reference, microBatch, stateDir });
  } catch (error) {
    await policy.release();
    await reference?.release();
    throw error;
  }
}

/** The trainers, tools and samples of a run whose policy (and reference) are open. */
async function trainingOf(
  store: Store,
  home: string,
  run: { id: number; step: number },
  config: RunConfig,
  reward: CompiledReward,
  opened: Pick<Training, 'policy' | 'reference' | 'microBatch'> & { stateDir: string },
): Promise<Training> {
  const { policy, reference, microBatch, stateDir } = opened;
  const maxLength = Math.min(config.grpo.maxSequenceLength, policy.model.maxPositions);
  const deviceKind = (await policy.device()).kind;
  const trainers = policy.trainers(
    {
      loss: grpoLoss({
        clipRatio: config.grpo.clipRatio,
        klCoef: config.grpo.klCoef,
        entropyCoef: config.grpo.entropyCoef,
      }),
      trainable: policy.trainable,
      optimizer: { lr: config.grpo.lr, maxGradNorm: config.grpo.maxGradNorm, weightDecay: config.grpo.weightDecay },
    },
    run.step > 0 ? optimizerFileOf(stateDir) : null,
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
  return {
    runId: run.id,
    config,
    reward,
    policy,
    reference,
    trainers,
    device: deviceKind,
    maxLength,
    microBatch,
    specId,
    rollout: { groupSize: config.rollout.groupSize, templates, tools, limits, maxLength },
    samples,
  };
}

/** Frees the trainers' and policies' sessions. */
export async function releaseTraining(training: Training): Promise<void> {
  await training.trainers.release();
  await training.policy.release();
  await training.reference?.release();
}

/** Step `step` of the run: rollouts, rewards, advantages, the update and the metrics, nothing stored. */
export async function trainStep(training: Training, step: number): Promise<StepOutcome> {
  const { config, reward, policy, reference, maxLength, microBatch } = training;
  const started = performance.now();
  const prompts = training.samples.forStep(step, config.grpo.batchPrompts);
  const trajectories = await runRollouts(policy.model, prompts, {
    ...training.rollout,
    sampling: { temperature: config.rollout.temperature, topP: config.rollout.topP },
    seed: config.seed * 100_003 + step,
  });
  // A provider the searches need refused its key or ran out: the step's searches failed from there on, so the
  // step is not worth training on. The run pauses with the provider's message; nothing of the step is stored.
  throwIfSearchesStopped(training.rollout.tools, `Run ${training.runId} paused at step ${step}`);
  const rewards = trajectories.map((t) => {
    try {
      return scoreTrajectory(reward, t, step);
    } catch (error) {
      const reason = (error as Error).message;
      throw new RewardFailure(
        `Run ${training.runId} paused: the reward spec failed at step ${step} on group ${t.groupIndex}, ` +
          `sample ${t.sampleIndex}: ${reason}`,
        step,
        t,
        reason,
      );
    }
  });
  const { advantages, zeroVarianceGroups, groups } = batchAdvantages(
    rewards.map((r) => r.total),
    config.rollout.groupSize,
  );
  const rolloutSeconds = (performance.now() - started) / 1000;
  const lr = learningRate(step, { ...config.grpo });
  // Each step trains at its own padded shape: its longest trajectory and its most images in a row.
  const stepLength = Math.min(maxLength, bucketLength(Math.max(...trajectories.map((t) => t.ids.length)), 32));
  const stepImages = Math.max(...trajectories.map((t) => t.images.length));
  const update = await updatePolicy(training.trainers, reference, trajectories, advantages, {
    length: stepLength,
    lr,
    imagesPerRow: stepImages,
    microBatch,
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
    ...memoryMetrics(training.device),
  };
  return { step, trajectories, rewards, advantages, rollout, metrics };
}
