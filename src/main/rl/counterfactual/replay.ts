// Counterfactual replay: a stored trajectory up to a decision point, then the other choice forced there, then the
// chosen checkpoint continues freely. Earlier turns are replayed verbatim — their text is forced as whole turns
// and their tools answer with the results recorded at the time — so the context at the decision point is the one
// the policy saw. Searches from the decision point on go through the search cache in the chosen mode (replay-only by
// default: a miss is a tool error the model and the user see, and nothing is spent). Scored under the run's spec.
import {
  ToolCallResult,
  type DecisionAction,
  type ReplayOutcome,
  type ReplayParams,
  type ReplayTurn,
} from '../../../shared/contract';
import type { Store } from '../../storage';
import { compileReward } from '../reward/spec';
import { compileTemplates } from '../protocol/templates';
import { runRollouts, type RolloutTools } from '../rollout/engine';
import { scoreTrajectory } from '../rollout/score';
import { searchRolloutTools } from '../rollout/search-tools';
import { trajectoryOutcome, type Trajectory } from '../rollout/types';
import { checkpointPolicyModel } from '../train/checkpoint-run';
import { actionArgument } from '../protocol/actions';
import { choicesAt, forcedTurn } from './choices';
import { checkpointFor, checkpointLabel, loadStoredRollout, type StoredRollout } from './source';

export interface ReplayHooks {
  progress(done: number, total: number, message: string): void;
  throwIfCancelled(): void;
}

export interface ReplayDone {
  replayId: number;
  outcome: ReplayOutcome;
}

/**
 * Tools that give back the recorded results for the turns before the decision point (each of them made one tool
 * call), then defer to `live`. A recorded result this build cannot read is searched again through `live`.
 */
function replayedTools(stored: StoredRollout, turn: number, live: RolloutTools): RolloutTools {
  const recorded = stored.turns.slice(0, turn).map((t) => ToolCallResult.safeParse(t.toolResult).data ?? null);
  const next = (call: () => Promise<ToolCallResult>): Promise<ToolCallResult> => {
    const r = recorded.length ? recorded.shift() : null;
    return r ? Promise.resolve(r) : call();
  };
  return {
    imageSearch: (sample) => next(() => live.imageSearch(sample)),
    textSearch: (query) => next(() => live.textSearch(query)),
    image: (sha) => live.image(sha),
  };
}

export async function replayDecision(
  store: Store,
  home: string,
  params: ReplayParams,
  hooks: ReplayHooks,
): Promise<ReplayDone> {
  const stored = loadStoredRollout(store, params.trajectoryId);
  const choices = choicesAt(
    stored.turns.map((t) => t.action),
    params.turn,
    stored.limits,
  );
  if (!choices)
    throw new Error(
      `Turn ${params.turn + 1} of trajectory ${stored.id} is no decision point (its action was neither a search nor an answer)`,
    );
  const force: DecisionAction | null = params.force ?? choices.defaultForce;
  if (!force || !choices.alternatives.includes(force)) {
    throw new Error(
      `Cannot force ${force ?? 'another action'} at turn ${params.turn + 1}: the choices there are ` +
        (choices.alternatives.join(', ') || 'none (the search budget is spent)'),
    );
  }
  const checkpoint = checkpointFor(store, stored, params.checkpointId);
  const checkpointId = checkpoint.id;
  // Earlier turns ended in a tool call (they were searches), so each ends with an action's closing tag: a whole turn.
  const earlier = stored.turns.slice(0, params.turn).map((t) => t.responseText);
  const forced = forcedTurn(stored.turns[params.turn].reasoning, force);

  hooks.progress(0, 2, `Loading ${checkpointLabel(store, checkpointId)}`);
  const policy = checkpointPolicyModel(store, checkpoint, { frozen: true });
  let trajectory: Trajectory;
  try {
    hooks.throwIfCancelled();
    const live = searchRolloutTools(store, home, { ...stored.search, mode: params.cacheMode });
    [trajectory] = await runRollouts(policy, [stored.sample], {
      groupSize: 1,
      templates: compileTemplates(stored.templates),
      tools: replayedTools(stored, params.turn, live),
      limits: stored.limits,
      sampling: { temperature: params.temperature },
      seed: params.seed,
      turnPrefix: (turn) => (turn < params.turn ? { text: earlier[turn] } : turn === params.turn ? forced : null),
      onTurn: (turn) => {
        hooks.throwIfCancelled();
        hooks.progress(
          1,
          2,
          turn < params.turn
            ? `Replaying turn ${turn + 1}`
            : turn === params.turn
              ? `Forcing ${force} at turn ${turn + 1}`
              : `Generating turn ${turn + 1}`,
        );
      },
    });
  } finally {
    await policy.release();
  }
  const breakdown = scoreTrajectory(compileReward(stored.reward), trajectory, stored.step);
  const turns: ReplayTurn[] = trajectory.turns.map((t) => ({
    index: t.index,
    promptText: t.promptText,
    responseText: t.responseText,
    reasoning: t.reasoning,
    action: t.action.kind,
    actionArg: actionArgument(t.action),
    wellFormed: t.wellFormed,
    finish: t.finish,
    latencyMs: t.generationMs,
    toolCacheKey: t.tool?.key ?? null,
    toolResult: t.tool,
    tokenIds: t.tokenIds,
    logprobs: t.logprobs,
    origin: t.index < params.turn ? 'original' : t.index === params.turn ? 'forced' : 'model',
  }));
  const outcome: ReplayOutcome = {
    original: choices.action,
    checkpointLabel: checkpointLabel(store, checkpointId),
    turns,
    endReason: trajectory.end,
    ...trajectoryOutcome(trajectory),
    toolErrors: trajectory.turns.filter((t) => t.tool && !t.tool.ok).length,
    generatedTokens: trajectory.generatedTokens,
    reward: {
      spec: `${stored.reward.name} v${stored.reward.version}`,
      total: breakdown.total,
      score: breakdown.score,
      format: breakdown.format,
      penalty: breakdown.penalty,
      variables: breakdown.variables,
    },
  };
  const replayId = store.repos.replays.insert({
    trajectoryId: stored.id,
    turn: params.turn,
    forced: force,
    checkpointId,
    cacheMode: params.cacheMode,
    temperature: params.temperature,
    seed: params.seed,
    result: outcome,
  });
  hooks.progress(
    2,
    2,
    `Replay ${replayId}: ${outcome.finalAnswer === null ? outcome.endReason : `answered “${outcome.finalAnswer}”`}, reward ${breakdown.total.toFixed(3)}`,
  );
  return { replayId, outcome };
}
