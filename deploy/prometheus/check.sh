#!/usr/bin/env bash
# Checks the Prometheus files with promtool (Debian package `prometheus`): rule syntax, the scrape
# configuration, and the alert unit tests. Run by CI (.ci/run); `mvn verify` runs it too when
# promtool is installed (PrometheusRulesTest).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
promtool check rules alerts.yml
promtool check config prometheus.yml
promtool test rules alerts-test.yml
