#!/usr/bin/env bash
# A local single-node Kafka (KRaft) broker built from Maven artifacts: no Docker, no download.
#   deploy/bin/broker.sh start|stop|status|run [--port 9092] [--data-dir run/broker] [--no-topics]
# Settings may also come from --config FILE or ASSISTANT_BROKER_PORT, ASSISTANT_BROKER_DATA_DIR, ...
# (docs/deploy.md). Relative paths are relative to the repository root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=deploy/bin/lib.sh
source deploy/bin/lib.sh
ensure_deploy_jar
exec "$(java_cmd)" -Drepo.root="$root" -cp "$(deploy_jar)" dev.assistant.deploy.BrokerMain "$@"
