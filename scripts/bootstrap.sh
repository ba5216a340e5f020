#!/usr/bin/env bash
# Set up a fresh machine for octane's demo and tests: the Debian packages behind the twin's
# real services (MariaDB, ceph-mon, sshd), then the virtual environment in .venv.
# Idempotent: a second run only checks. Never starts a system service (policy-rc.d).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(mariadb-server mariadb-client mydumper ceph-mon ceph-common ceph-osd ceph-mgr openssh-server
              openssh-client iproute2)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # apt must never start the system's own mariadb/sshd/ceph services on this machine
  [[ -x /usr/sbin/policy-rc.d ]] || printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  apt-get update -q
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.octane-installed
if [[ ! -f $stamp || setup.cfg -nt $stamp || requirements-constraints.txt -nt $stamp ]]; then
  .venv/bin/pip install -q --upgrade pip setuptools wheel
  .venv/bin/pip install -q -c requirements-constraints.txt -e '.[test]'
  touch "$stamp"
fi
