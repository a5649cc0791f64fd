#!/usr/bin/env bash
# Builds llm-worker and runs the LLaVA benchmark at 1B-class dimensions with random weights.
# Usage: llm-worker/scripts/benchmark.sh [model-dir] [LlavaBenchmark options...]
#   e.g. llm-worker/scripts/benchmark.sh /tmp/llava-1b formats=fp32,nf4 decode=32 repeats=3
# The model directory is written first (≈ 2.8 GB of F16 safetensors) when it has no config.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:-${TMPDIR:-/tmp}/llava-bench-1b}"
shift || true
mvn -q -B -pl llm-worker compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/llm-worker/target/runtime.classpath" -Dmdep.includeScope=runtime
# A private copy of the classes, so that rebuilding during a long run cannot disturb it.
snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
cp -r llm-worker/target/classes "$snapshot/classes"
MALLOC_ARENA_MAX=2 nice -n 5 java --add-modules jdk.incubator.vector -Xmx5g -XX:MaxDirectMemorySize=16g -XX:+UseG1GC \
  -Dai.djl.pytorch.graph_optimizer=false \
  -cp "$snapshot/classes:$(cat llm-worker/target/runtime.classpath)" \
  dev.assistant.llm.bench.LlavaBenchmark "$dir" "$@"
