// Builds a rollout's token sequence piece by piece. Generated tokens are appended exactly as sampled (never
// re-tokenised), so the log-probs recorded while sampling line up with the sequence used for training.
import type { PolicyImage, PolicyModel } from '../../model';
import { IMAGE_PLACEHOLDER } from '../../../shared/contract';

export const IMAGE_MARKUP = '<|vision_start|><|image_pad|><|vision_end|>';

export class Conversation {
  readonly ids: number[] = [];
  readonly lossMask: number[] = [];
  readonly logprobs: number[] = [];
  readonly images: PolicyImage[] = [];

  constructor(private readonly model: Pick<PolicyModel, 'encode'>) {}

  /** Text the model did not write (prompts, tool output, chat markup): masked out of the loss. */
  addContext(text: string, images: PolicyImage[] = []): void {
    const slots = text.split(IMAGE_MARKUP).length - 1;
    if (slots !== images.length) throw new Error(`context has ${slots} image slots for ${images.length} images`);
    const ids = this.model.encode(text, images);
    this.ids.push(...ids);
    this.lossMask.push(...ids.map(() => 0));
    this.logprobs.push(...ids.map(() => 0));
    this.images.push(...images);
  }

  /** The model's own tokens with the log-probs they were sampled with. */
  addGenerated(tokens: readonly number[], logprobs: readonly number[]): void {
    this.ids.push(...tokens);
    this.lossMask.push(...tokens.map(() => 1));
    this.logprobs.push(...logprobs);
  }

  /** How many tokens a piece of context would add. */
  contextTokens(text: string, images: readonly PolicyImage[] = []): number {
    return this.model.encode(text, images).length;
  }

  get length(): number {
    return this.ids.length;
  }
}

export function userTurn(text: string): string {
  return `<|im_start|>user\n${text}<|im_end|>\n<|im_start|>assistant\n`;
}

/** The first user turn: the question's image, then the rendered question prompt. */
export function questionTurn(prompt: string): string {
  return userTurn(`${IMAGE_MARKUP}${prompt}`);
}

/** Tool output placeholders become image markup, one per thumbnail. */
export function toolTurn(prompt: string): string {
  return userTurn(prompt.split(IMAGE_PLACEHOLDER).join(IMAGE_MARKUP));
}

/** Closes the model's turn: generation stops at an action's closing tag, before the chat's end-of-turn token. */
export const END_OF_TURN = '<|im_end|>\n';
