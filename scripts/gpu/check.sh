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
  # Qwen2.5-VL: one random folder through SearchLab (CUDA and CPU) and through transformers, side by side
  q=/tmp/searchlab-qwen-tiny
  node bin/searchlab.mjs model random --arch qwen2.5-vl --like tiny --dtype f32 --seed 7 --out "$q"
  node -e "require('sharp')({create:{width:150,height:100,channels:3,background:{r:200,g:90,b:40}}}).png().toFile('$q.png')"
  for dev in cuda cpu; do
    node bin/searchlab.mjs model run "$q" --image "$q.png" --prompt "Which bird is this?" --logits-last 3 --max-new-tokens 8 --device $dev --json > "$OUT/qwen-searchlab-$dev.json"
  done
  python3 scripts/gpu/qwen_compare.py "$q" "$q.png" "Which bird is this?" "$OUT/qwen-searchlab-cuda.json" "$OUT/qwen-compare.json" --device cuda
  SEARCHLAB_DEVICE=cuda node bin/searchlab.mjs bench real-model --quick --json-out "$OUT/bench-real-model-cuda.json"
} 2>&1 | tee "$OUT/log.txt"
