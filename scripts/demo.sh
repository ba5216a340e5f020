#!/usr/bin/env bash
# The demo: a twin of a focal/ussuri Charmed OpenStack cloud (HA control plane, 3 hypervisors
# in 3 AZs, VMs on two of them, a real MariaDB behind mysql-innodb-cluster), upgraded to
# victoria the way an operator would do it in a maintenance window:
#   analyse -> plan -> control plane -> the empty hypervisor (canary) -> move the VMs onto it
#   -> the rest of the data plane -> where the upgrade stands.
# Everything runs on loopback; the twin is stopped at the end (also on failure or Ctrl+C).
set -euo pipefail
cd "$(dirname "$0")/.."
OCTANE=.venv/bin/octane
PY=.venv/bin/python

work=$(mktemp -d "${TMPDIR:-/tmp}/octane-demo.XXXXXX")
export OCTANE_DATA=$work/data
twin_dir=$work/twin
cleanup() { "$OCTANE" twin down "$twin_dir" >/dev/null 2>&1 || true; rm -rf "$twin_dir"; }
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Start the twin: a simulated Juju controller and OpenStack APIs (scenario focal-ussuri)"
eval "$("$OCTANE" twin up focal-ussuri --data-dir "$twin_dir")"
# settle quickly: the twin's clock already runs 1000x faster than real time
export OCTANE_IDLE_PERIOD=${OCTANE_IDLE_PERIOD:-0.5}
run juju status | head -24

say "What release is each application on, and why"
run "$OCTANE" analyze -c Application -c Kind -c Group -c Release -c Channel -c Origin

say "The plan for the whole cloud (nothing is changed)"
run "$OCTANE" plan

say "Upgrade the control plane (a database backup comes first, fetched over SSH)"
run "$OCTANE" upgrade control-plane --auto-approve

say "Upgrade the only empty hypervisor first, as a canary"
run "$OCTANE" upgrade hypervisors --az az3 --auto-approve

say "Move the VMs onto the upgraded hypervisor (the operator's live migrations)"
run "$PY" scripts/demo_migrate.py compute-2 compute-0 compute-1

say "Upgrade the rest of the data plane: hypervisors AZ by AZ, then OVN, neutron-api, ceph-osd"
run "$OCTANE" upgrade data-plane --auto-approve --no-backup

say "Where the cloud and the upgrade stand"
run juju status | head -24
run "$OCTANE" status
say "Done: the cloud is on victoria. Logs, journal and the backup stay in $OCTANE_DATA"
