import {
  trajectoryMethods,
  Behaviour,
  ToolCallResult,
  type RewardDetail,
  type TurnDetail,
} from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { tokenTexts } from './token-texts';

const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function trajectoryHandlers(ctx: EngineContext): HandlerGroup<keyof typeof trajectoryMethods> {
  const views = () => ctx.store.repos.trajectoryViews;
  const requireRun = (runId: number) => {
    if (!ctx.store.repos.runs.get(runId)) throw new ApiError('not_found', `No run with id ${runId}`);
  };
  return {
    'trajectories.steps': ({ runId }) => {
      requireRun(runId);
      return views().steps(runId);
    },
    'trajectories.list': ({ offset, limit, ...filter }) => {
      requireRun(filter.runId);
      return views().list(filter, offset, limit);
    },
    'trajectories.get': ({ id }) => {
      const summary = views().summary(id);
      const detail = views().detail(id);
      if (!summary || !detail) throw new ApiError('not_found', `No trajectory with id ${id}`);
      const parts = detail.reward?.parts ?? {};
      const variables = (parts.variables ?? {}) as RewardDetail['variables'];
      const reward: RewardDetail | null = detail.reward
        ? {
            specId: detail.reward.specId,
            total: detail.reward.total,
            score: numberOrNull(parts.score),
            format: numberOrNull(parts.format),
            penalty: numberOrNull(parts.penalty),
            advantage: detail.reward.advantage,
            variables,
          }
        : null;
      // A tool result stored by an older build may not match today's shape: show the turn without it rather than fail.
      const turnList: TurnDetail[] = detail.turns.map((t) => {
        const parsed = t.toolResult === null ? null : ToolCallResult.safeParse(t.toolResult);
        return { ...t, toolResult: parsed?.success ? parsed.data : null };
      });
      return {
        ...summary,
        sample: detail.sample,
        reference: detail.reference,
        reward,
        turnList,
        tokens: { ...detail.tokens, texts: tokenTexts(detail.checkpointPath, detail.tokens.ids) },
      };
    },
    'trajectories.confusion': ({ runId, step }) => {
      requireRun(runId);
      return views()
        .confusion(runId, step ?? null)
        .map((c) => ({ ...c, behaviour: Behaviour.parse(c.behaviour) }));
    },
    'trajectories.bySample': ({ sampleId, limit }) => {
      const runs = new Map<number, { name: string; kind: string }>();
      return views()
        .bySample(sampleId, limit)
        .map((t) => {
          if (!runs.has(t.runId)) {
            const run = ctx.store.repos.runs.get(t.runId);
            runs.set(t.runId, { name: run?.name ?? `run ${t.runId}`, kind: run?.kind ?? 'unknown' });
          }
          const run = runs.get(t.runId)!;
          return { ...t, runName: run.name, runKind: run.kind };
        });
    },
    'trajectories.group': ({ runId, step, groupIndex }) => {
      requireRun(runId);
      const { items } = views().list({ runId, step, groupIndex }, 0, 500);
      if (items.length === 0)
        throw new ApiError('not_found', `Run ${runId} has no group ${groupIndex} at step ${step}`);
      const totals = items.map((t) => t.total).filter((x): x is number => x !== null);
      const mean = totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : null;
      const std = mean === null ? null : Math.sqrt(totals.reduce((a, b) => a + (b - mean) ** 2, 0) / totals.length);
      return { items, mean, std, zeroVariance: items[0].zeroVariance };
    },
  };
}
