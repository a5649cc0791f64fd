#!/usr/bin/env bash
# One command to run the whole assistant on this machine: Kafka broker, topics, stt/llm/tts workers
# and the gateway (gRPC on 127.0.0.1:50051, the OpenAI-compatible HTTP API on
# http://127.0.0.1:8000/v1, the web playground on http://127.0.0.1:8080/; the banner prints them).
# A process that exits unasked is restarted with back-off (1 s doubling to 30 s); the rest keep
# running. Ctrl-C stops everything in reverse order.
#   deploy/bin/run-local.sh [--config FILE] [--services gateway,stt,llm,tts] [--external-kafka]
#                           [--scale stt=2,llm=2,tts=2,gateway=2]
#   deploy/bin/run-local.sh restart llm-2   # from another shell: one instance, a service (llm:
#                                           # its instances one by one) or the broker
#   deploy/bin/run-local.sh stop            # stops the running launcher, or what a killed one left
# Builds the jars first when they are missing. Logs: run/logs/. Details: docs/deploy.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=deploy/bin/lib.sh
source deploy/bin/lib.sh
case "${1:-}" in
  stop | restart) ;;
  *) ensure_service_jars ;;
esac
ensure_deploy_jar
# exec: Ctrl-C and SIGTERM reach the launcher itself, which then stops its children in order.
exec "$(java_cmd)" -Drepo.root="$root" -cp "$(deploy_jar)" dev.assistant.deploy.LocalStackMain "$@"
