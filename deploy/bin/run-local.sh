#!/usr/bin/env bash
# One command to run the whole assistant on this machine: Kafka broker, topics, stt/llm/tts workers
# and the gRPC gateway (127.0.0.1:50051). Ctrl-C stops everything in reverse order.
#   deploy/bin/run-local.sh [--config FILE] [--services gateway,stt,llm,tts] [--external-kafka]
#   deploy/bin/run-local.sh stop      # stops what a killed launcher left running
# Builds the jars first when they are missing. Logs: run/logs/. Details: docs/deploy.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=deploy/bin/lib.sh
source deploy/bin/lib.sh
if [[ "${1:-}" != "stop" ]]; then
  ensure_service_jars
fi
ensure_deploy_jar
# exec: Ctrl-C and SIGTERM reach the launcher itself, which then stops its children in order.
exec "$(java_cmd)" -Drepo.root="$root" -cp "$(deploy_jar)" dev.assistant.deploy.LocalStackMain "$@"
