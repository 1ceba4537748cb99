// The New run form's pure logic: the config its choices make (a checkpoint or a model folder by path), and which
// wrong fields a form field shows and marks.
import { describe, expect, it } from 'vitest';
import {
  configOf,
  issuesAt,
  modelChoiceOf,
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
