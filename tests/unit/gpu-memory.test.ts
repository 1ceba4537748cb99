// The run estimate compares a training step's memory with the GPU's, as nvidia-smi reports it.
import { describe, expect, it } from 'vitest';
import { parseGpuMemoryTotal } from '../../src/main/platform/device';

describe("the GPU's memory from nvidia-smi", () => {
  it('reads the first GPU in MiB as bytes', () => {
    expect(parseGpuMemoryTotal('81559\n')).toBe(81559 * 2 ** 20);
    expect(parseGpuMemoryTotal('143771\n81559\n')).toBe(143771 * 2 ** 20);
  });

  it('says it cannot tell when the driver gives no number', () => {
    expect(parseGpuMemoryTotal('')).toBeNull();
    expect(parseGpuMemoryTotal('[N/A]\n')).toBeNull();
  });
});
