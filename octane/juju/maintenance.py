"""Read-only OpenStack APIs during the database copy: a deny-writes rule on every API unit.

Why: while the databases are copied into the seed and migrated, a write accepted by the
original cloud would be lost (fuel-octane's spec: "APIs read-only for the period of the
upgrade"). Reads must keep working — operators and monitoring look at the cloud during the
window — and so must token issue (``POST .../auth/tokens``), which every read needs.

**The mechanism.** Each API unit of a Charmed OpenStack cloud fronts its service with
haproxy (charm-helpers' ``/etc/haproxy/haproxy.cfg``: ``frontend tcp-in_<service>``
sections), and, when TLS is on, with an apache2 virtual host that terminates TLS
(``/etc/apache2/sites-enabled/openstack_https_frontend.conf``; haproxy then only sees TLS
bytes). octane runs a script on every API unit with ``juju exec`` that adds one marked
block where HTTP is visible:

- TLS in apache2: a mod_rewrite rule in every ``<VirtualHost>`` answering 503 to any method
  but GET/HEAD/OPTIONS, except ``.../auth/tokens``; ``apache2ctl configtest``, reload;
- otherwise haproxy: ``mode http`` and ``http-request deny deny_status 503 if !{ method
  GET HEAD OPTIONS } !{ path_end /auth/tokens }`` in every ``frontend tcp-in_*``, ``mode
  http`` in the backends; ``haproxy -c``, reload.

The block sits between ``# octane-maintenance begin`` / ``end`` markers, so ``off``
removes exactly it and ``status`` reads it; a configuration that fails its check is
restored and the script fails (nothing half-applied). A charm hook that rewrites the file
drops the rule: octane reads ``status`` on every unit right before copying and refuses to
copy unless every API unit carries it.

The script's first line, ``# octane-api-maintenance <mode>``, names what it does; the twin
recognises octane's script by it (octane/twin/services/database_host.py) and refuses the
model's OpenStack writes while every API unit carries the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from octane.errors import OctaneError
from octane.juju.model import JujuModel

HEADER = "# octane-api-maintenance"
#: Charms whose units front an API whose writes land in a service database.
API_CHARMS = ("keystone", "glance", "nova-cloud-controller", "neutron-api", "cinder",
              "placement", "heat", "aodh", "barbican", "designate", "manila", "masakari",
              "octavia", "gnocchi")

_SCRIPT = r'''python3 - @MODE@ <<'OCTANE_MAINTENANCE'
import os, subprocess, sys
mode = sys.argv[1]
begin, end = "# octane-maintenance begin", "# octane-maintenance end"
haproxy = "/etc/haproxy/haproxy.cfg"
apache = "/etc/apache2/sites-enabled/openstack_https_frontend.conf"
if os.path.exists(apache):
    path, check, service = apache, ["apache2ctl", "configtest"], "apache2"
    rules = {"<VirtualHost": ["RewriteEngine On",
                              "RewriteCond %{REQUEST_METHOD} !^(GET|HEAD|OPTIONS)$",
                              "RewriteCond %{REQUEST_URI} !/auth/tokens$",
                              "RewriteRule ^ - [R=503,L]"]}
elif os.path.exists(haproxy):
    path, check, service = haproxy, ["haproxy", "-c", "-f", haproxy], "haproxy"
    rules = {"frontend tcp-in_": ["mode http", "http-request deny deny_status 503 if "
                                  "!{ method GET HEAD OPTIONS } !{ path_end /auth/tokens }"],
             "backend ": ["mode http"]}
else:
    sys.exit("octane-api-maintenance: no haproxy or apache2 frontend on this unit")
with open(path) as fh:
    old = fh.read().splitlines()
kept, skip = [], False
for line in old:
    if line.strip() == begin:
        skip = True
    elif line.strip() == end:
        skip = False
    elif not skip:
        kept.append(line)
on = any(line.strip() == begin for line in old)
if mode == "status":
    print("octane-api-maintenance: " + ("on" if on else "off"))
    sys.exit(0)
new = []
for line in kept:
    new.append(line)
    if mode == "on":
        for start, body in rules.items():
            if line.lstrip().startswith(start):
                new += ["    " + begin] + ["    " + b for b in body] + ["    " + end]
if new != old:
    if mode == "on" and service == "apache2":
        subprocess.run(["a2enmod", "-q", "rewrite"], check=True)
    with open(path, "w") as fh:
        fh.write("\n".join(new) + "\n")
    if subprocess.run(check).returncode != 0:
        with open(path, "w") as fh:
            fh.write("\n".join(old) + "\n")
        sys.exit("octane-api-maintenance: the new configuration failed its check; restored")
    subprocess.run(["systemctl", "reload", service], check=True)
print("octane-api-maintenance: " + ("on" if mode == "on" else "off"))
OCTANE_MAINTENANCE'''


def script(mode: str) -> str:
    """The command ``juju exec`` runs on an API unit: ``on``, ``off`` or ``status``."""
    if mode not in ("on", "off", "status"):
        raise ValueError(f"unknown maintenance mode {mode!r}")
    return f"{HEADER} {mode}\n" + _SCRIPT.replace("@MODE@", mode)


async def apply(model: JujuModel, units: Sequence[str], mode: str,
                timeout: float = 120.0) -> dict[str, bool]:
    """Run the script on ``units``; whether each unit now carries the rule.

    ``on``/``off`` fail in one line naming the units where the script failed; ``status``
    reports what it read.
    """
    if not units:
        return {}
    results = await model.run_command(list(units), script(mode), timeout=timeout)
    failed = sorted(u for u, r in results.items() if r.return_code != 0)
    if failed:
        detail = (results[failed[0]].stderr or results[failed[0]].stdout).strip()
        last = detail.splitlines()[-1] if detail else f"rc {results[failed[0]].return_code}"
        raise OctaneError(f"maintenance {mode} failed on {', '.join(failed)}: {last}")
    return {u: r.stdout.strip().endswith(": on") for u, r in results.items()}


async def units_without_rule(model: JujuModel, units: Sequence[str]) -> list[str]:
    """The API units that do not carry the rule right now (read-only)."""
    state = await apply(model, units, "status")
    return sorted(u for u, on in state.items() if not on)
