// A cluster rollout as a SearchLab trajectory: its decoded output split into turns, each parsed by the protocol;
// the cluster's score kept as the recorded reward, and SearchLab's evaluator's reward for the same turns beside
// it, so the debugger and re-scoring show where the two disagree.
import { parseTurn, actionArgument, type ParsedTurn } from '../../rl';
import type { CompiledReward, RewardBreakdown } from '../../rl';
import type { TrajectoryInput, TrajectoryReference } from '../../storage/repositories/trajectories';
import { splitTurns } from '../turns';
import type { RolloutRecord } from './records';
import { questionIn, type MatchedSample } from './samples';

export interface ImportedTrajectory {
  record: RolloutRecord;
  sample: MatchedSample | null;
  turns: { prompt: string; response: string; parsed: ParsedTurn }[];
  searchlab: RewardBreakdown;
}

/** The decoded prompt without the chat's closing "assistant" line: what the debugger shows as the first user turn. */
function firstPrompt(input: string): string {
  return input.replace(/(<\|im_end\|>)?\s*(<\|im_start\|>)?assistant\s*$/, '').trim();
}

function endReason(turns: readonly ParsedTurn[]): string {
  const last = turns.at(-1);
  if (!last) return 'invalid_action';
  if (last.action.kind === 'answer') return 'answered';
  if (last.action.kind === 'invalid') return 'invalid_action';
  return 'search_in_last_turn';
}

export function importTrajectory(
  record: RolloutRecord,
  sample: MatchedSample | null,
  reward: CompiledReward,
): ImportedTrajectory {
  const split = splitTurns(record.output);
  const turns = split.map((t, i) => ({
    prompt: i === 0 ? firstPrompt(record.input) : t.prompt,
    response: t.response,
    parsed: parseTurn(t.response),
  }));
  const searchlab = reward.score({
    turns: turns.map((t) => t.parsed),
    generatedTokens: 0,
    groundTruth: sample?.answer ?? record.groundTruth ?? '',
    candidateAnswers: sample?.candidates ?? record.candidates,
    need: sample?.need ?? clusterNeed(record),
    step: record.step,
  });
  return { record, sample, turns, searchlab };
}

function clusterNeed(record: RolloutRecord): string | null {
  return typeof record.extras.search_need === 'string' ? record.extras.search_need : null;
}

/** What the cluster logged about the rollout: re-scoring and the debugger fall back to it when no sample matched. */
export function clusterReference(record: RolloutRecord): TrajectoryReference {
  return {
    question: questionIn(record.input) ?? (firstPrompt(record.input) || null),
    groundTruth: record.groundTruth,
    candidateAnswers: record.candidates,
    need: clusterNeed(record),
    imageName: record.imageUrl,
  };
}

export function trajectoryRow(
  trajectory: ImportedTrajectory,
  where: { runId: number; step: number; groupIndex: number; sampleIndex: number; specId: number; advantage: number },
): TrajectoryInput {
  const parsed = trajectory.turns.map((turn) => turn.parsed);
  const last = parsed.at(-1);
  // A search ran when another turn followed it.
  const ran = (kind: 'image_search' | 'text_search') =>
    parsed.filter((p, i) => p.action.kind === kind && i < parsed.length - 1).length;
  return {
    runId: where.runId,
    step: where.step,
    groupIndex: where.groupIndex,
    sampleIndex: where.sampleIndex,
    sampleId: trajectory.sample?.id ?? null,
    checkpointId: null,
    evaluationId: null,
    endReason: endReason(parsed),
    finalAnswer: last?.action.kind === 'answer' ? last.action.answer : null,
    generatedTokens: 0,
    imageSearches: ran('image_search'),
    textSearches: ran('text_search'),
    ids: [],
    lossMask: [],
    logprobs: [],
    turns: trajectory.turns.map((turn, index) => ({
      index,
      promptText: turn.prompt,
      responseText: turn.response,
      tokenIds: [],
      logprobs: [],
      action: turn.parsed.action.kind,
      actionArg: actionArgument(turn.parsed.action),
      reasoning: turn.parsed.reasoning,
      wellFormed: turn.parsed.wellFormed,
      finish: 'stop',
      toolCacheKey: null,
      toolResult: null,
      latencyMs: null,
    })),
    reward: {
      specId: where.specId,
      total: trajectory.record.score,
      parts: {
        score: trajectory.searchlab.score,
        format: trajectory.searchlab.format,
        penalty: trajectory.searchlab.penalty,
        variables: trajectory.searchlab.variables,
        cluster: {
          score: trajectory.record.score,
          ...trajectory.record.extras,
          source: `${trajectory.record.file}:${trajectory.record.line}`,
        },
        searchlabTotal: trajectory.searchlab.total,
      },
      advantage: where.advantage,
    },
    reference: clusterReference(trajectory.record),
  };
}
