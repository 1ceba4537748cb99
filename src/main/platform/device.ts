// Which compute device model sessions will use. onnxruntime-node throws when the CUDA provider cannot load
// (it never falls back by itself), so the engine decides up front and tells the user why it uses the CPU.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
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
  if (process.env.SEARCHLAB_DEVICE === 'cpu') return (cached = { kind: 'cpu', name: cpuName, notice: 'CPU chosen by SEARCHLAB_DEVICE=cpu' });
  const library = cudaProviderLibrary();
  if (!library) {
    return (cached = {
      kind: 'cpu',
      name: cpuName,
      notice: 'CUDA is not in use: onnxruntime-node has no CUDA provider libraries installed, so models run on the CPU.',
    });
  }
  // The model runtime confirms this by opening a session on the CUDA provider; see model/runtime.
  return (cached = { kind: 'cuda', name: process.env.SEARCHLAB_CUDA_NAME ?? 'CUDA device', notice: null });
}

/** The model runtime calls this after it tried a CUDA session, so the UI shows what really happened. */
export function setDevice(info: DeviceInfo): void {
  cached = info;
}
