#!/usr/bin/env bash
# Runs THERE (the GPU machine), once per chunk, in consecutive calls (the machine keeps /tmp while warm).
set -euo pipefail
part=${1:?usage: receive.sh NN}
mkdir -p /tmp/searchlab-gpu
cp ".device-carry/part-$part" /tmp/searchlab-gpu/
ls -la /tmp/searchlab-gpu
