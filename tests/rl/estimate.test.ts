// A run's estimate before it starts: memory from the model folder's weights and config, time per step from the
// steps already timed with the same model on the same device and thread count, and the search calls' bound.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { estimateRun } from '../../src/main/rl/train/estimate';
import { parseRunConfig, type RunConfig } from '../../src/main/rl/train/config';
import type { DeviceInfo } from '../../src/shared/contract';
import { removeTempHomes, tempHome } from '../helpers/home';
import { writeRandomQwen25Vl } from '../../src/main/model/families/qwen2_5_vl/random';
import { modelShape, parseQwen25VlConfig } from '../../src/main/model/families/qwen2_5_vl/config';
import { trainingMemory } from '../../src/main/model/policy/memory';

afterAll(removeTempHomes);

const CPU: DeviceInfo = { kind: 'cpu', name: 'CPU', notice: null };
const GPU: DeviceInfo = { kind: 'cuda', name: 'Test GPU', notice: null };

function setUp() {
  const home = tempHome();
  const model = path.join(home, 'model');
  fs.mkdirSync(model);
  // 1,000 float32 parameters in two weight files
  fs.writeFileSync(path.join(model, 'a.safetensors'), Buffer.alloc(2400));
  fs.writeFileSync(path.join(model, 'b.safetensors'), Buffer.alloc(1600));
  fs.writeFileSync(path.join(model, 'config.json'), JSON.stringify({ hidden_size: 8, num_hidden_layers: 2 }));
  const store = openStore(homePaths(home).database);
  const config = (runtime: Partial<RunConfig['runtime']>, steps = 10): RunConfig =>
    parseRunConfig({
      name: 'estimated',
      model: { path: model },
      dataset: 'd',
      rollout: { groupSize: 4, maxTurns: 3, maxImageSearches: 1, maxTextSearches: 2 },
      grpo: { steps, batchPrompts: 2, miniBatch: 8, maxSequenceLength: 16 },
      runtime,
    });
  /** A finished run of 8 trajectories a step with these step times. */
  const timedRun = (runtime: Partial<RunConfig['runtime']>, seconds: number[]) => {
    const run = store.repos.runs.insert(`run ${Math.random()}`, 'grpo', config(runtime));
    seconds.forEach((s, step) => store.repos.runs.putMetrics(run.id, step + 1, { step_seconds: s }));
  };
  return { store, config, timedRun };
}

describe('estimateRun', () => {
  it('counts memory from the weights and config, and bounds the search calls by the rollout limits', () => {
    const { store, config } = setUp();
    const estimate = estimateRun(store, config({ device: 'cpu' }), CPU);
    expect(estimate.parameters).toBe(1000);
    // five float32 copies of the weights, then one micro-batch's activations
    expect(estimate.trainingBytes).toBe(1000 * 4 * 5 + 8 * 16 * 8 * 2 * 16 * 4);
    expect(estimate.trajectoriesPerStep).toBe(8);
    // at most one search per turn but the last: 2 per trajectory, 8 trajectories, 10 steps
    expect(estimate.searchCalls).toBe(160);
    expect(estimate.stepSeconds).toBeNull();
    expect(estimate.notes.join('\n')).toMatch(/No step of this model has been timed/);
    store.close();
  });

  it("takes a Qwen2.5-VL folder's own training need, the one its memory check refuses with", () => {
    const home = tempHome();
    const model = path.join(home, 'qwen');
    writeRandomQwen25Vl(model, { size: 'tiny', seed: 1 });
    const store = openStore(homePaths(home).database);
    const config = parseRunConfig({
      name: 'qwen',
      model: { path: model },
      dataset: 'd',
      grpo: { steps: 1, miniBatch: 4, microBatch: 2, maxSequenceLength: 256 },
    });
    const estimate = estimateRun(store, config, CPU);
    const shape = modelShape(parseQwen25VlConfig(JSON.parse(fs.readFileSync(path.join(model, 'config.json'), 'utf8'))));
    expect(estimate.parameters).toBe(shape.parameters);
    expect(estimate.trainingBytes).toBe(trainingMemory(shape, { batch: 2, length: 256, reference: true }).total);
    expect(estimate.fits).toBe(true);
    store.close();
  });

  it('times a step only from runs on the same device with the same thread count', () => {
    const { store, config, timedRun } = setUp();
    timedRun({ device: 'cpu', cpuThreads: 1 }, [8, 16]); // 1.5 s per trajectory
    timedRun({ device: 'cpu', cpuThreads: 4 }, [800]); // other threads
    timedRun({ device: 'auto', cpuThreads: 1 }, [0.8]); // on the GPU of this machine
    const onCpu = estimateRun(store, config({ device: 'cpu', cpuThreads: 1 }), GPU);
    expect(onCpu.stepSeconds).toBeCloseTo(12);
    expect(onCpu.totalSeconds).toBeCloseTo(120);
    const onGpu = estimateRun(store, config({ device: 'cuda', cpuThreads: 1 }), GPU);
    expect(onGpu.stepSeconds).toBeCloseTo(0.8);
    const fourThreads = estimateRun(store, config({ device: 'cpu', cpuThreads: 4 }), CPU);
    expect(fourThreads.stepSeconds).toBeCloseTo(800);
    // nothing timed with the ONNX Runtime's own thread count
    expect(estimateRun(store, config({ device: 'cpu' }), CPU).stepSeconds).toBeNull();
    store.close();
  });
});
