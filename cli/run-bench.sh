#!/usr/bin/env bash
# Benchmark of the command line: batch throughput against the slowest stage's capacity measured in
# the same run, a PNG of item latency percentiles over the run, and the CLI's peak RSS streaming
# manifests of 1,000 and 100,000 lines. Method and figures: docs/benchmarks/cli.md.
#   cli/run-bench.sh [items=120] [parallel=8] [memoryLines=1000,10000,100000]
# Starts its own stack with deploy/bin/run-local.sh on ports apart from the defaults (broker 19392,
# gateway 50351, metrics 9700-9703; run directory run/cli-bench) and stops it at the end.
# BENCH_TARGET=host:port BENCH_METRICS=url,url,... uses a stack that is already running instead.
# MVN_ARGS is passed to every mvn call (e.g. "-o -Dmaven.repo.local=...").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
items="${1:-120}"
parallel="${2:-8}"
memory_lines="${3:-1000,10000,100000}"
mvn_args=(-q -B ${MVN_ARGS:-})
bench_dir="$root/run/cli-bench"
mkdir -p "$bench_dir"

mvn "${mvn_args[@]}" -DskipTests -Dspotless.check.skip install -pl cli -am
mvn "${mvn_args[@]}" -pl cli dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
jar="$(ls cli/target/cli-*-all.jar | head -n 1)"
cp="cli/target/test-classes:cli/target/classes:$(cat cli/target/bench.classpath)"

launcher_pid=""
stop_stack() {
  if [[ -n "$launcher_pid" ]] && kill -0 "$launcher_pid" 2>/dev/null; then
    kill -TERM "$launcher_pid" # the launcher stops gateway, workers and broker in order
    wait "$launcher_pid" || true
  fi
}
trap stop_stack EXIT

if [[ -z "${BENCH_TARGET:-}" ]]; then
  cfg="$bench_dir/stack.properties"
  cat >"$cfg" <<PROPS
launcher.run.dir=$bench_dir/stack
broker.port=19392
broker.controller.port=19393
gateway.port=50351
gateway.metrics.port=9700
stt.metrics.port=9701
llm.metrics.port=9702
tts.metrics.port=9703
PROPS
  log="$bench_dir/stack.log"
  deploy/bin/run-local.sh --config "$cfg" >"$log" 2>&1 &
  launcher_pid=$!
  echo "starting the stack (log: $log)..."
  for _ in $(seq 1 900); do
    grep -q "The assistant is running" "$log" && break
    kill -0 "$launcher_pid" 2>/dev/null || { tail -n 40 "$log"; exit 1; }
    sleep 1
  done
  grep -q "The assistant is running" "$log" || { echo "stack not up after 15 min"; exit 1; }
  BENCH_TARGET=127.0.0.1:50351
  BENCH_METRICS=http://127.0.0.1:9701/metrics,http://127.0.0.1:9702/metrics,http://127.0.0.1:9703/metrics
fi

echo "== throughput: $items items, --parallel $parallel, against $BENCH_TARGET"
java -Xmx512m -cp "$cp" dev.assistant.cli.bench.CliBench throughput "$jar" "$BENCH_TARGET" \
  "$bench_dir/throughput" "$items" "$parallel" docs/benchmarks/cli-latency.png "$BENCH_METRICS"
stop_stack
launcher_pid=""

echo "== memory: manifests of $memory_lines lines, the CLI with a 64 MiB heap"
java -Xmx512m -cp "$cp" dev.assistant.cli.bench.CliBench memory "$jar" "$bench_dir/memory64" \
  "$memory_lines" -Xmx64m
echo "== memory: the same with the JVM's default flags (as bin/assistant runs it), up to 10,000"
java -Xmx512m -cp "$cp" dev.assistant.cli.bench.CliBench memory "$jar" "$bench_dir/memory" \
  "${memory_lines%,100000}"
