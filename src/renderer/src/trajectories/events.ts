// A trajectory as typed events, the way Inspect's log viewer treats a transcript: each turn is the text
// injected before it, the model's generation, its action, and the tool's result; the trajectory ends in its
// reward. The debugger renders one component per kind (EventViews.tsx).
import type { RewardDetail, ToolCallResult, TrajectoryDetail, TurnDetail } from '../../../shared/contract';

export type TrajectoryEvent =
  | { kind: 'prompt'; turn: number; text: string }
  | {
      kind: 'generation';
      turn: number;
      reasoning: string | null;
      response: string;
      tokens: number;
      wellFormed: boolean;
      finish: string | null;
    }
  | { kind: 'action'; turn: number; action: string | null; arg: string | null }
  | { kind: 'tool'; turn: number; result: ToolCallResult | null; cacheKey: string | null; latencyMs: number | null }
  | { kind: 'reward'; turn: number; reward: RewardDetail };

export function turnEvents(turn: TurnDetail): TrajectoryEvent[] {
  const events: TrajectoryEvent[] = [];
  if (turn.promptText) events.push({ kind: 'prompt', turn: turn.index, text: turn.promptText });
  events.push({
    kind: 'generation',
    turn: turn.index,
    reasoning: turn.reasoning,
    response: turn.responseText,
    tokens: turn.tokenIds.length,
    wellFormed: turn.wellFormed,
    finish: turn.finish,
  });
  events.push({ kind: 'action', turn: turn.index, action: turn.action, arg: turn.actionArg });
  if (turn.toolResult || turn.toolCacheKey)
    events.push({
      kind: 'tool',
      turn: turn.index,
      result: turn.toolResult,
      cacheKey: turn.toolCacheKey,
      latencyMs: turn.latencyMs,
    });
  return events;
}

export function trajectoryEvents(detail: TrajectoryDetail): TrajectoryEvent[] {
  const events = detail.turnList.flatMap(turnEvents);
  if (detail.reward)
    events.push({ kind: 'reward', turn: Math.max(0, detail.turnList.length - 1), reward: detail.reward });
  return events;
}
