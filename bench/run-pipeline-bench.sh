#!/usr/bin/env bash
# Transport benchmark of the platform (issue: pipeline overhead, throughput ceiling, commit interval).
#   bench/run-pipeline-bench.sh [rate=50] [seconds=20] [intervalsMs=5,20,100]
# Starts its own broker process on 127.0.0.1:19092 (fresh data dir), runs the benchmark, stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port=19092
data="run/bench-broker"
mvn -q -B -DskipTests -Dspotless.check.skip install -pl bench -am
mvn -q -B -pl bench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
rm -rf "$data"
deploy/bin/broker.sh start --port "$port" --data-dir "$data" --no-topics
trap 'deploy/bin/broker.sh stop --port "$port" --data-dir "$data" || true' EXIT
cp="bench/target/test-classes:$(cat bench/target/bench.classpath)"
java -Xmx2g -cp "$cp" dev.assistant.bench.TransportBench "127.0.0.1:$port" "$@"
