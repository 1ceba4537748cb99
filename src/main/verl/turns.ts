// Splitting a decoded multi-turn response back into turns. veRL decodes the whole response as one string: the
// model's turns with the injected user turns (<information>…</information> and the next instructions) between
// them, chat markup removed (skip_special_tokens) or kept. A model turn ends at the first closing action tag (the
// rollout stops there); the injected turn runs from <information> to the next "assistant" line of the chat format.
// turns-python.ts holds the same algorithm for reward.py; keep the two in step.

export interface SplitTurn {
  /** The injected user turn before this model turn ('' for the first). */
  prompt: string;
  response: string;
}

const STOPS = ['</search>', '</text_search>', '</answer>'];
const ASSISTANT_MARKERS = ['<|im_start|>assistant\n', '\nassistant\n'];

function firstStop(text: string): number {
  let best = -1;
  for (const stop of STOPS) {
    const at = text.indexOf(stop);
    if (at >= 0 && (best < 0 || at + stop.length < best)) best = at + stop.length;
  }
  return best;
}

/** Where the next model turn begins after an injected turn that starts at `from`, or -1 if none follows. */
function nextModelTurn(text: string, from: number): number {
  const infoEnd = text.indexOf('</information>', from);
  const searchFrom = infoEnd >= 0 ? infoEnd : from;
  let best = -1;
  for (const marker of ASSISTANT_MARKERS) {
    const at = text.indexOf(marker, searchFrom);
    if (at >= 0 && (best < 0 || at + marker.length < best)) best = at + marker.length;
  }
  return best;
}

/** The chat markup around an injected user turn removed: it is the rollout's, not the prompt's. */
function cleanInjected(text: string): string {
  return text
    .replace(/<\|im_end\|>|<\|im_start\|>/g, '')
    .trim()
    .replace(/^user\s*\n/, '')
    .replace(/\n?assistant$/, '')
    .trim();
}

export function splitTurns(output: string): SplitTurn[] {
  const turns: SplitTurn[] = [];
  let prompt = '';
  let rest = output;
  while (rest.trim() !== '') {
    const end = firstStop(rest);
    if (end < 0) {
      turns.push({ prompt, response: rest });
      break;
    }
    const response = rest.slice(0, end);
    rest = rest.slice(end);
    const info = rest.indexOf('<information>');
    if (info < 0) {
      // Text after the last action other than end-of-turn markup is the model's: it makes that turn ill-formed.
      turns.push({ prompt, response: response + rest.replace(/<\|im_end\|>|<\|endoftext\|>/g, '').trimEnd() });
      break;
    }
    turns.push({ prompt, response });
    const next = nextModelTurn(rest, info);
    prompt = cleanInjected(next < 0 ? rest : rest.slice(0, next));
    if (next < 0) break;
    rest = rest.slice(next);
  }
  return turns;
}
