#!/usr/bin/env bash
# The demo: start a twin of a focal/ussuri Charmed OpenStack cloud, show octane's plan for it,
# run the in-place upgrade to victoria, and show where the cloud stands afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: not wired yet (the twin and the plan are being built)" >&2
exit 1
