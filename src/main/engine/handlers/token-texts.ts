// Token strings for the debugger's token view: each id decoded alone by the tokenizer stored with the checkpoint
// that generated the trajectory. Tokenizers are cached by folder; a missing or unreadable one gives null (the
// view then shows ids), never an error for the whole trajectory.
import fs from 'node:fs';
import path from 'node:path';
import { TextTokenizer } from '../../model';
import { logger } from '../../platform/log';

const cache = new Map<string, TextTokenizer | null>();
const log = logger('trajectories');

function tokenizerAt(folder: string): TextTokenizer | null {
  if (cache.has(folder)) return cache.get(folder)!;
  let tok: TextTokenizer | null = null;
  try {
    const read = (name: string) =>
      JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as Record<string, unknown>;
    tok = new TextTokenizer({ tokenizer: read('tokenizer.json'), config: read('tokenizer_config.json') });
  } catch (error) {
    log.warn(`No tokenizer for the token view in ${folder}: ${(error as Error).message}`);
  }
  cache.set(folder, tok);
  return tok;
}

export function tokenTexts(checkpointPath: string | null, ids: readonly number[]): string[] | null {
  const tok = checkpointPath ? tokenizerAt(checkpointPath) : null;
  if (!tok) return null;
  return ids.map((id) => tok.decode([id]));
}
