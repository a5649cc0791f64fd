#!/usr/bin/env bash
# Scale-out of the speech stage on real processes: recordings/s with 1 and 2 stt-worker processes.
#   chaos/run-scaleout-bench.sh [recordings=16] [seconds=5] [counts=1,2]
# Builds what is missing, then for each count starts a broker and that many workers through the
# launcher, sends the same recordings, and prints the figures and the ratio to one worker.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -DskipTests -Dspotless.check.skip install
mvn -q -B -pl chaos dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/chaos.classpath
cp="chaos/target/test-classes:$(cat chaos/target/chaos.classpath)"
java -Xmx1g -Drepo.root="$root" -Dbroker.classpath.file="$root/deploy/target/broker.classpath" \
  -cp "$cp" dev.assistant.chaos.SttScaleOutBench "$@"
