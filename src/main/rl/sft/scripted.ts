// Teacher trajectories for SFT: the same conversation a rollout would build, with the model's turns written by
// a script instead of sampled. Only the scripted model turns count for the loss.
import type { TinyVlm } from '../../model';
import { encodeWithImages } from '../../model';
import type { CompiledTemplates } from '../protocol/templates';
import { DEFAULT_LIMITS, type RolloutLimits } from '../protocol/limits';
import { parseTurn } from '../protocol/actions';
import { Conversation, END_OF_TURN, questionTurn, toolTurn } from '../rollout/conversation';
import { imageToPixels } from '../../model';

/** A piece of a scripted turn: learned (counts for the loss) or given (written into the turn, not learned). */
export interface TurnPart {
  text: string;
  learned: boolean;
}

export interface ScriptedTurn {
  /**
   * What the model should write, e.g. "<reason>…</reason><text_search>…</text_search>": all learned, or in parts
   * of which some are given, e.g. the decision to search in a lesson that teaches only what comes after it.
   */
  response: string | readonly TurnPart[];
  /** The tool's model-facing output after this turn (for search turns), with its thumbnails' bytes. */
  tool?: { text: string; images: Uint8Array[] };
}

/** A part the model learns to write. */
export const learned = (text: string): TurnPart => ({ text, learned: true });
/** A part written into the turn but not learned. */
export const given = (text: string): TurnPart => ({ text, learned: false });

/** A turn's parts (a plain response is one learned part). */
export const turnParts = (turn: ScriptedTurn): readonly TurnPart[] =>
  typeof turn.response === 'string' ? [learned(turn.response)] : turn.response;

/** The whole text of a turn, given parts included. */
export const turnText = (turn: ScriptedTurn): string =>
  turnParts(turn)
    .map((p) => p.text)
    .join('');

export interface TeacherSequence {
  ids: number[];
  lossMask: number[];
  images: Float32Array[];
}

export async function scriptedSequence(
  model: TinyVlm,
  /** `pixels`: the image already converted for this model (imageToPixels), when the caller has it. */
  sample: { question: string; image: Uint8Array; pixels?: Float32Array },
  turns: readonly ScriptedTurn[],
  templates: CompiledTemplates,
  limits: RolloutLimits = DEFAULT_LIMITS,
): Promise<TeacherSequence> {
  const size = model.config.vision_config.image_size;
  const conversation = new Conversation({ encode: (text) => encodeWithImages(model.tokenizer, model.config, text) });
  const prompt = templates.question({
    question: sample.question,
    remaining_image_searches: limits.maxImageSearches,
    remaining_text_searches: limits.maxTextSearches,
  });
  conversation.addContext(questionTurn(prompt), [
    { pixels: sample.pixels ?? (await imageToPixels(sample.image, size)) },
  ]);
  let imageSearches = 0;
  let textSearches = 0;
  for (const [i, turn] of turns.entries()) {
    for (const part of turnParts(turn)) {
      if (!part.learned) conversation.addContext(part.text);
      else {
        const ids = model.tokenizer.encode(part.text);
        conversation.addGenerated(
          ids,
          ids.map(() => 0),
        );
      }
    }
    if (i === turns.length - 1) break;
    if (!turn.tool) throw new Error(`scripted turn ${i + 1} is not the last one, so it needs a tool output`);
    const action = parseTurn(turnText(turn)).action.kind;
    if (action === 'image_search') imageSearches++;
    else if (action === 'text_search') textSearches++;
    const thumbnails = await Promise.all(
      turn.tool.images.map(async (bytes) => ({ pixels: await imageToPixels(bytes, size) })),
    );
    conversation.addContext(END_OF_TURN);
    conversation.addContext(
      toolTurn(
        templates.afterTool({
          tool_output: turn.tool.text,
          question: sample.question,
          remaining_image_searches: limits.maxImageSearches - imageSearches,
          remaining_text_searches: limits.maxTextSearches - textSearches,
          is_last_turn: i + 1 === limits.maxTurns - 1,
        }),
      ),
      thumbnails,
    );
  }
  return { ids: conversation.ids, lossMask: conversation.lossMask, images: conversation.images.map((i) => i.pixels) };
}
