// A run's resumable state on disk: the policy (an HF-style model folder) plus Adam's moments, written to a
// temporary folder and renamed into place, so a folder that exists is always whole.
import fs from 'node:fs';
import path from 'node:path';
import { loadTinyVlm, saveTinyVlm, type TinyVlm } from '../../model/tiny/vlm';
import { loadWeights, saveWeights, type WeightMap } from '../../model/runtime/safetensors';

export interface OptimizerState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export function runFolder(home: string, runId: number): string {
  return path.join(home, 'runs', `run-${runId}`);
}

export function stateFolder(home: string, runId: number, step: number): string {
  return path.join(runFolder(home, runId), `state-${step}`);
}

export function writeState(dir: string, model: TinyVlm, optimizer: OptimizerState | null): void {
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  saveTinyVlm(model, tmp);
  if (optimizer) {
    const moments: WeightMap = new Map();
    for (const [name, data] of optimizer.m) moments.set(`m/${name}`, { shape: [data.length], data });
    for (const [name, data] of optimizer.v) moments.set(`v/${name}`, { shape: [data.length], data });
    saveWeights(path.join(tmp, 'optimizer.safetensors'), moments, 'F32', { step: String(optimizer.step) });
    fs.writeFileSync(path.join(tmp, 'optimizer.json'), JSON.stringify({ step: optimizer.step }));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

export function readState(dir: string): { model: TinyVlm; optimizer: OptimizerState | null } {
  const model = loadTinyVlm(dir);
  const meta = path.join(dir, 'optimizer.json');
  if (!fs.existsSync(meta)) return { model, optimizer: null };
  const { step } = JSON.parse(fs.readFileSync(meta, 'utf8')) as { step: number };
  const moments = loadWeights([path.join(dir, 'optimizer.safetensors')]);
  const optimizer: OptimizerState = { step, m: new Map(), v: new Map() };
  for (const [name, w] of moments) (name.startsWith('m/') ? optimizer.m : optimizer.v).set(name.slice(2), w.data);
  return { model, optimizer };
}

export function copyFolder(from: string, to: string): void {
  const tmp = `${to}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, tmp, { recursive: true });
  fs.rmSync(to, { recursive: true, force: true });
  fs.renameSync(tmp, to);
}
