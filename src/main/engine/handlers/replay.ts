// Counterfactual replays: where a trajectory can be replayed and with what, and the replays stored so far (the
// replays themselves run as `trajectories.replay` jobs).
import { replayMethods, Replay, type ReplayOptions } from '../../../shared/contract';
import { ApiError } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HandlerGroup } from './types';
import { choicesAt } from '../../rl';
import { checkpointLabel, loadStoredRollout } from '../../rl';
import type { StoredReplay } from '../../storage/repositories/replays';

const toReplay = (r: StoredReplay) => Replay.parse({ ...r, outcome: r.result });

export function replayHandlers(ctx: EngineContext): HandlerGroup<keyof typeof replayMethods> {
  const repos = () => ctx.store.repos;
  return {
    'replay.options': ({ trajectoryId }) => {
      let stored;
      try {
        stored = loadStoredRollout(ctx.store, trajectoryId);
      } catch (error) {
        throw new ApiError('not_found', (error as Error).message);
      }
      const actions = stored.turns.map((t) => t.action);
      const decisions: ReplayOptions['decisions'] = actions.flatMap((_, turn) => {
        const c = choicesAt(actions, turn, stored.limits);
        return c ? [{ turn, ...c }] : [];
      });
      const checkpoints = repos()
        .runs.allCheckpoints()
        .map((c) => ({ id: c.id, label: checkpointLabel(ctx.store, c.id) }));
      return {
        decisions,
        checkpoints,
        defaultCheckpointId: stored.checkpoint?.id ?? stored.nearestCheckpoint?.id ?? null,
        generatedBy: stored.checkpoint?.id ?? null,
      };
    },
    'replay.list': ({ trajectoryId, limit }) => repos().replays.forTrajectory(trajectoryId, limit).map(toReplay),
    'replay.get': ({ id }) => {
      const r = repos().replays.get(id);
      if (!r) throw new ApiError('not_found', `No replay with id ${id}`);
      return toReplay(r);
    },
  };
}
