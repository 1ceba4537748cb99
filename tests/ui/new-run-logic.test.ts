// The New run form's pure logic: the config its choices make (a checkpoint or a model folder by path), whose
// settings a model starts from, and which wrong fields a form field shows and marks.
import { describe, expect, it } from 'vitest';
import type { CheckpointSummary } from '../../src/shared/contract';
import {
  configOf,
  issuesAt,
  modelChoiceOf,
  settingsRunFor,
  type Choices,
  type StoredConfig,
} from '../../src/renderer/src/runs/new-run/config';

const choices = (patch: Partial<Choices> = {}): Choices => ({
  name: 'run 2',
  checkpointId: 3,
  modelPath: null,
  dataset: 'demo-world',
  split: 'train',
  corpus: '',
  reward: 'default',
  ...patch,
});
const source = (patch: Partial<Choices> = {}) => ({ choices: choices(patch), draft: {}, specs: [], copied: null });

describe('the config the form makes', () => {
  it('names the model by checkpoint, or by path when a copied run used a model folder', () => {
    expect(configOf(source()).model).toEqual({ checkpoint: 3 });
    expect(configOf(source({ modelPath: '/models/qwen', checkpointId: null })).model).toEqual({ path: '/models/qwen' });
    expect(configOf(source({ checkpointId: null })).model).toEqual({});
  });

  it("takes a copied run's model as it was given, the path replacing the checkpoint chosen before", () => {
    const stored = (model: StoredConfig['model']): StoredConfig => ({ dataset: 'd', split: 'train', model });
    expect(modelChoiceOf(stored({ path: '/models/qwen' }))).toEqual({ checkpointId: null, modelPath: '/models/qwen' });
    expect(modelChoiceOf(stored({ checkpoint: 5 }))).toEqual({ checkpointId: 5, modelPath: null });
    expect(modelChoiceOf(stored(undefined))).toBeNull();
    const copied = { ...choices({ checkpointId: 9 }), ...modelChoiceOf(stored({ path: '/models/qwen' })) };
    expect(configOf({ ...source(), choices: copied }).model).toEqual({ path: '/models/qwen' });
  });
});

describe('whose settings a new run starts from', () => {
  const checkpoint = (id: number, runId: number | null, path = `/ckpt/${id}`): CheckpointSummary => ({
    id,
    runId,
    runName: runId === null ? null : `run ${runId}`,
    step: runId === null ? 0 : 10,
    path,
  });
  // runs newest first; run 8 started from the demo's pre-trained model (checkpoint 1), run 6 from a folder
  const configs: Record<number, StoredConfig> = {
    9: { dataset: 'd', split: 'train', model: { checkpoint: 4 } },
    8: { dataset: 'd', split: 'train', model: { checkpoint: 1 } },
    6: { dataset: 'd', split: 'train', model: { path: '/models/folder' } },
  };
  const read = async (id: number) => configs[id];

  it("takes the demo's run for its pre-trained model, the run that made a checkpoint, and a folder's run", async () => {
    expect(await settingsRunFor(checkpoint(1, null), [9, 8, 6], read)).toBe(8);
    expect(await settingsRunFor(checkpoint(4, 6), [9, 8, 6], read)).toBe(6);
    expect(await settingsRunFor(checkpoint(2, null, '/models/folder'), [9, 8, 6], read)).toBe(6);
  });

  it("keeps the method's defaults for a model no run started from", async () => {
    expect(await settingsRunFor(checkpoint(3, null), [9, 8, 6], read)).toBeNull();
    expect(await settingsRunFor(checkpoint(5, 7), [9, 8, 6], read)).toBeNull();
    expect(await settingsRunFor(undefined, [9, 8, 6], read)).toBeNull();
  });
});

describe('a field and its errors', () => {
  it('shows and marks the errors at its path and under it, not at a sibling whose name it starts', () => {
    const issues = [
      { path: 'model.checkpoint', message: 'No checkpoint with id 4' },
      { path: 'grpo.lr', message: 'expected number' },
      { path: 'grpo.lrScale', message: 'unknown' },
    ];
    expect(issuesAt(issues, 'model').map((i) => i.path)).toEqual(['model.checkpoint']);
    expect(issuesAt(issues, 'grpo.lr').map((i) => i.path)).toEqual(['grpo.lr']);
    expect(issuesAt(issues, 'dataset')).toEqual([]);
  });
});
