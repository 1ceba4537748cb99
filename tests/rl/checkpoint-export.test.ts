// A checkpoint exported as a model folder: whole or not at all, into a new or empty folder only, and nothing of the
// user's beside it is touched (an earlier version cleared a fixed "<target>.tmp-export" folder first).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { exportCheckpoint } from '../../src/main/rl/checkpoints';
import { tempHome, removeTempHomes } from '../helpers/home';

afterEach(removeTempHomes);

function checkpointIn(home: string) {
  const folder = path.join(home, 'checkpoints', 'run-1', 'step-3');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'config.json'), '{"model_type":"searchlab-tiny-vlm"}');
  fs.writeFileSync(path.join(folder, 'model.safetensors'), Buffer.alloc(64, 7));
  fs.writeFileSync(path.join(folder, 'optimizer.safetensors'), Buffer.alloc(64, 1));
  const store = openStore(homePaths(home).database);
  const id = store.repos.runs.addCheckpoint(null, 3, folder, {});
  return { store, id };
}

describe('exporting a checkpoint', () => {
  it("writes the model's files, not the optimizer's, and leaves a folder beside the target alone", () => {
    const home = tempHome();
    const { store, id } = checkpointIn(home);
    const out = path.join(tempHome('searchlab-out-'), 'my-model');
    const beside = `${out}.tmp-export`;
    fs.mkdirSync(beside);
    fs.writeFileSync(path.join(beside, 'notes.txt'), 'mine');
    const result = exportCheckpoint(store, id, out);
    store.close();
    expect(result.files.sort()).toEqual(['config.json', 'model.safetensors']);
    expect(fs.readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(fs.readFileSync(path.join(beside, 'notes.txt'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['my-model', 'my-model.tmp-export']);
  });

  it('refuses a folder that holds files, changing nothing', () => {
    const home = tempHome();
    const { store, id } = checkpointIn(home);
    const out = tempHome('searchlab-out-');
    fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
    expect(() => exportCheckpoint(store, id, out)).toThrow(/is not empty: choose a new or empty folder/);
    store.close();
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(path.basename(out)))).toEqual([
      path.basename(out),
    ]);
  });
});
