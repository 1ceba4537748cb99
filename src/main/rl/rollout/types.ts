// A rollout's records: what the debugger shows and what training reads.
import type { ToolCallResult } from '../../../shared/contract';
import type { PolicyImage } from '../../model';
import type { Action } from '../protocol/actions';
import type { NextStep } from '../protocol/limits';

export interface RolloutSample {
  sampleId: number | null;
  question: string;
  image: Uint8Array;
  /** The image's public URL when the dataset has one (its image_urls): Google Lens searches it without an upload. */
  imageUrl?: string | null;
  groundTruth: string;
  candidateAnswers: string[];
  /** The sample's search-need label, if it has one. */
  need: string | null;
}

export interface TurnRecord {
  index: number;
  /** The user turn that preceded this model turn (the question, or the tool's output and instructions). */
  promptText: string;
  responseText: string;
  tokenIds: number[];
  logprobs: number[];
  reasoning: string;
  action: Action;
  wellFormed: boolean;
  finish: 'stop' | 'eos' | 'length';
  /** The tool call this turn's action made, if any. */
  tool: ToolCallResult | null;
  generationMs: number;
}

export interface Trajectory {
  groupIndex: number;
  /** Position within its GRPO group. */
  sampleIndex: number;
  sample: RolloutSample;
  turns: TurnRecord[];
  end: Extract<NextStep, { kind: 'end' }>['reason'] | 'prompt_too_long';
  /** The whole conversation as one token sequence, with the model's tokens marked for the loss. */
  ids: number[];
  lossMask: number[];
  /** Behaviour log-probs at the model's tokens (0 elsewhere). */
  logprobs: number[];
  /** Image inputs in order of their image tokens: the question image, then any thumbnails. */
  images: PolicyImage[];
  generatedTokens: number;
}

/** How a trajectory ended: its final answer (if it answered) and the searches whose tool actually ran. */
export function trajectoryOutcome(trajectory: Trajectory): {
  finalAnswer: string | null;
  imageSearches: number;
  textSearches: number;
} {
  const last = trajectory.turns.at(-1);
  const ran = (kind: 'image_search' | 'text_search') =>
    trajectory.turns.filter((turn) => turn.action.kind === kind && turn.tool).length;
  return {
    finalAnswer: last?.action.kind === 'answer' ? last.action.answer : null,
    imageSearches: ran('image_search'),
    textSearches: ran('text_search'),
  };
}
