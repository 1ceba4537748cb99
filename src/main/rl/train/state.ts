// A run's resumable state on disk: the policy (an HF-style model folder) plus the optimizer's state, written to a
// temporary folder and renamed into place, so a folder that exists is always whole.
import fs from 'node:fs';
import path from 'node:path';
import { loadTinyVlm, type PolicyTrainers, type TinyVlm, type TrainablePolicy } from '../../model';
import { DEFAULT_TEMPLATES, type PromptTemplates } from '../protocol/templates';

export const OPTIMIZER_FILE = 'optimizer.safetensors';

export function runFolder(home: string, runId: number): string {
  return path.join(home, 'runs', `run-${runId}`);
}

export function stateFolder(home: string, runId: number, step: number): string {
  return path.join(runFolder(home, runId), `state-${step}`);
}

const TEMPLATES_FILE = 'prompt_templates.json';

/**
 * The policy's folder, a model folder of its family (with the prompt templates it was trained with), plus the
 * optimizer's state when trainers are given.
 */
export function writeState(
  dir: string,
  policy: Pick<TrainablePolicy, 'save'>,
  trainers: Pick<PolicyTrainers, 'saveState'> | null,
  templates?: PromptTemplates,
): void {
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  policy.save(tmp);
  if (templates) writeTemplates(tmp, templates);
  if (trainers) trainers.saveState(path.join(tmp, OPTIMIZER_FILE));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/** A tiny VLM's state folder: its model and optimizer state file (null when it has none). */
export function readState(dir: string): { model: TinyVlm; optimizerFile: string | null } {
  return { model: loadTinyVlm(dir), optimizerFile: optimizerFileOf(dir) };
}

/** The optimizer state file of a state folder, or null when it has none (the run's starting policy). */
export function optimizerFileOf(dir: string): string | null {
  const file = path.join(dir, OPTIMIZER_FILE);
  return fs.existsSync(file) ? file : null;
}

export function copyFolder(from: string, to: string): void {
  const tmp = `${to}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, tmp, { recursive: true });
  fs.rmSync(to, { recursive: true, force: true });
  fs.renameSync(tmp, to);
}

export function writeTemplates(dir: string, templates: PromptTemplates): void {
  fs.writeFileSync(path.join(dir, TEMPLATES_FILE), JSON.stringify(templates, null, 2));
}

/** The prompts a model folder was trained with (the defaults when it does not say). */
export function readTemplates(dir: string): PromptTemplates {
  const file = path.join(dir, TEMPLATES_FILE);
  if (!fs.existsSync(file)) return DEFAULT_TEMPLATES;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PromptTemplates>;
  if (typeof parsed.question !== 'string' || typeof parsed.afterTool !== 'string')
    throw new Error(`${file}: expected "question" and "afterTool" templates`);
  return { question: parsed.question, afterTool: parsed.afterTool };
}
