import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

describe('the engine off the main thread', () => {
  it('generates and trains inside a worker thread', async () => {
    const worker = new Worker(new URL('./fixtures/worker-boot.mjs', import.meta.url), { workerData: { seed: 3 } });
    const result = await new Promise<{ tokens: number[][]; loss: number; device: { kind: string; name: string } }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    expect(result.tokens).toHaveLength(2);
    expect(result.tokens[0]).toHaveLength(6);
    expect(result.tokens[1]).toEqual(result.tokens[0]); // same prompt, greedy
    expect(result.loss).toBeGreaterThan(0);
    expect(['cpu', 'cuda']).toContain(result.device.kind);
  });
});
