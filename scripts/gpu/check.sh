#!/usr/bin/env bash
# Runs THERE after every chunk arrived: unpacks, puts the CUDA providers beside onnxruntime-node's binding, runs
# the model benchmarks on CUDA and on the CPU in the same call, and a PyTorch reference on the same shapes.
# Results land in $OUT (bench-cuda.json, bench-cpu.json, torch.json, log.txt).
set -uo pipefail
root=/tmp/searchlab-gpu
if [ ! -x "$root/bin/node" ]; then
  cat "$root"/part-* | xz -d | tar -C "$root" -xf - || exit 1
fi
ln -sfn "$root/node_modules" node_modules
cp "$root"/cuda/*.so node_modules/onnxruntime-node/bin/napi-v6/linux/x64/
export PATH="$root/bin:$PATH"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  node --version
  SEARCHLAB_DEVICE=cuda node bin/searchlab.mjs bench model --json-out "$OUT/bench-cuda.json"
  SEARCHLAB_DEVICE=cpu node bin/searchlab.mjs bench model --json-out "$OUT/bench-cpu.json"
  python3 scripts/gpu/torch_reference.py "$OUT/torch.json"
} 2>&1 | tee "$OUT/log.txt"
