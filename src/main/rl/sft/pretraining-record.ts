// A cold start's record, kept in the folder of the model it made (pretraining.json): what its gates measured before
// GRPO took over. The Models page and the demo's report read it; a folder's file is untrusted input, so reading
// checks it against the contract and ignores one that does not fit.
import fs from 'node:fs';
import path from 'node:path';
import { PretrainingRecord } from '../../../shared/contract';

export const PRETRAINING_RECORD_FILE = 'pretraining.json';

export function writePretrainingRecord(folder: string, record: PretrainingRecord): void {
  fs.writeFileSync(path.join(folder, PRETRAINING_RECORD_FILE), JSON.stringify(record, null, 2));
}

/** The record in `folder`, or null when there is none or it is not one (a foreign or damaged file). */
export function readPretrainingRecord(folder: string): PretrainingRecord | null {
  let text: string;
  try {
    const file = path.join(folder, PRETRAINING_RECORD_FILE);
    // a record is a few kilobytes; anything large is not one
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > 1 << 20) return null;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = PretrainingRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
