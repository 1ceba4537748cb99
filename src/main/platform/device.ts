// Which compute device model sessions will use. onnxruntime-node throws when the CUDA provider cannot load
// (it never falls back by itself), so the engine decides up front and tells the user why it uses the CPU.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import type { DeviceInfo } from '../../shared/contract';

let cached: DeviceInfo | undefined;

/** The CUDA provider library beside onnxruntime-node's binding, if installed (see scripts/gpu for how). */
export function cudaProviderLibrary(): string | null {
  try {
    const root = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const file = path.join(root, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

export function detectDevice(): DeviceInfo {
  if (cached) return cached;
  const cpuName = os.cpus()[0]?.model?.trim() || 'CPU';
  if (process.env.SEARCHLAB_DEVICE === 'cpu')
    return (cached = { kind: 'cpu', name: cpuName, notice: 'CPU chosen by SEARCHLAB_DEVICE=cpu' });
  const library = cudaProviderLibrary();
  if (!library) {
    return (cached = {
      kind: 'cpu',
      name: cpuName,
      notice:
        'CUDA is not in use: onnxruntime-node has no CUDA provider libraries installed, so models run on the CPU.',
    });
  }
  // The model runtime confirms this by opening a session on the CUDA provider; see model/runtime.
  return (cached = { kind: 'cuda', name: process.env.SEARCHLAB_CUDA_NAME ?? 'CUDA device', notice: null });
}

/** The model runtime calls this after it tried a CUDA session, so the UI shows what really happened. */
export function setDevice(info: DeviceInfo): void {
  cached = info;
}

/**
 * GPU memory this process holds, in MiB, as the NVIDIA driver reports it (nvidia-smi's compute apps); null when
 * it cannot tell (no nvidia-smi, or a container whose process ids the driver does not see).
 */
export function cudaProcessMemoryMiB(pid = process.pid): number | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'], {
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const mine = out
      .split('\n')
      .map((line) => line.split(',').map((s) => s.trim()))
      .filter(([p, mib]) => Number(p) === pid && Number.isFinite(Number(mib)));
    return mine.length ? mine.reduce((sum, [, mib]) => sum + Number(mib), 0) : null;
  } catch {
    return null;
  }
}

/** The first GPU's memory in bytes from `nvidia-smi --query-gpu=memory.total|free --format=csv,noheader,nounits` (MiB). */
export function parseGpuMemoryTotal(output: string): number | null {
  const mib = Number(output.split('\n')[0]?.trim());
  return output.trim() !== '' && Number.isFinite(mib) && mib > 0 ? mib * 2 ** 20 : null;
}

/** The first GPU's memory in bytes from nvidia-smi's `memory.total` or `memory.free`; null when it cannot tell. */
function queryGpuMemory(field: 'memory.total' | 'memory.free'): number | null {
  try {
    const out = execFileSync('nvidia-smi', [`--query-gpu=${field}`, '--format=csv,noheader,nounits'], {
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    return parseGpuMemoryTotal(out);
  } catch {
    return null;
  }
}

/** The first GPU's free memory in bytes now, as the NVIDIA driver reports it; null when it cannot tell. */
export const cudaFreeMemoryBytes = (): number | null => queryGpuMemory('memory.free');

let gpuMemory: number | null | undefined;

/** The GPU's memory as the NVIDIA driver reports it (asked once); null when it cannot tell. */
export function cudaTotalMemoryBytes(): number | null {
  if (gpuMemory === undefined) gpuMemory = queryGpuMemory('memory.total');
  return gpuMemory;
}
