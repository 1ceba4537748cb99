#!/usr/bin/env bash
# Runs HERE (the CPU machine). Packs what the GPU machine lacks — this machine's Node, a trimmed node_modules and
# onnxruntime's CUDA provider libraries (from the npm package com.github.asus4.onnxruntime.linux-x64-gpu, built
# for ORT 1.29.0 and CUDA 13) — into chunks small enough for the device tool's 64 MiB per call.
# Output: .device-carry/part-00, part-01, … (git-ignored). Then see scripts/gpu/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.device-carry
cache=${XDG_CACHE_HOME:-$HOME/.cache}/searchlab-gpu
mkdir -p "$out" "$cache"
rm -f "$out"/part-* "$out"/bundle.tar.xz

gpu_pkg=com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9
if [ ! -f "$cache/libonnxruntime_providers_cuda.so" ]; then
  (cd "$cache" && npm pack "$gpu_pkg" >/dev/null && tar xzf com.github.asus4.onnxruntime.linux-x64-gpu-*.tgz \
     --strip-components=4 package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so package/Plugins/Linux/x64/libonnxruntime_providers_shared.so)
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/cuda"
cp "$(command -v node)" "$stage/bin/node"
cp "$cache"/libonnxruntime_providers_*.so "$stage/cuda/"
# node_modules without what a benchmark never loads (Electron, browsers, bundlers, other platforms' binaries).
tar -C . -cf - \
  --exclude='node_modules/electron' --exclude='node_modules/@electron' --exclude='node_modules/playwright-core' \
  --exclude='node_modules/vite' --exclude='node_modules/rolldown' --exclude='node_modules/@rolldown' \
  --exclude='node_modules/typescript' --exclude='node_modules/@types' --exclude='node_modules/react-dom' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/darwin' --exclude='node_modules/onnxruntime-node/bin/napi-v6/win32' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/linux/arm64' --exclude='node_modules/.cache' \
  node_modules | tar -C "$stage" -xf -
tar -C "$stage" -cf - . | xz -T2 -6 > "$out/bundle.tar.xz"
split -b 56m -d -a 2 "$out/bundle.tar.xz" "$out/part-"
rm "$out/bundle.tar.xz"
ls -la "$out"
echo "Carry each part in its own call: bash scripts/gpu/receive.sh NN with carry [\".device-carry/part-NN\"]"
