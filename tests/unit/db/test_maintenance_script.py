"""octane's deny-writes script, run here against charm-shaped config files.

The script is what ``juju exec`` runs on every API unit. Its paths are pointed at a temp
dir and ``haproxy``/``apache2ctl``/``a2enmod``/``systemctl`` are stubs on PATH that record
their calls (and can fail the configuration check), so what it does to the files is real.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from octane.juju.maintenance import HEADER, script

HAPROXY = """global
    log /var/lib/haproxy/dev/log local0
defaults
    log global
    mode tcp
    option tcplog
frontend tcp-in_keystone-public
    bind *:5000
    acl net_10.5.0.0 dst 10.5.0.0/16
    use_backend keystone-public_10.5.0.0 if net_10.5.0.0
    default_backend keystone-public_10.5.0.0
backend keystone-public_10.5.0.0
    balance leastconn
    server keystone-0 10.5.0.10:4990 check
"""
APACHE = """<VirtualHost 10.5.0.10:5000>
    ServerName 10.5.0.10
    SSLEngine on
    ProxyPass / http://localhost:4990/
</VirtualHost>
"""


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    """A unit's filesystem bits and stub tools; ``calls`` records what ran."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("haproxy", "apache2ctl", "a2enmod", "systemctl"):
        stub = bin_dir / tool
        stub.write_text(f"#!/bin/sh\necho {tool} \"$@\" >> {tmp_path}/calls\n"
                        f"[ -e {tmp_path}/fail-{tool} ] && exit 1\nexit 0\n")
        stub.chmod(0o755)
    return tmp_path


def run(unit: Path, mode: str, *, apache: bool = False) -> subprocess.CompletedProcess[str]:
    text = script(mode).replace("/etc/haproxy/haproxy.cfg", str(unit / "haproxy.cfg"))
    text = text.replace("/etc/apache2/sites-enabled/openstack_https_frontend.conf",
                        str(unit / "apache.conf"))
    env = {**os.environ, "PATH": f"{unit / 'bin'}:{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", text], capture_output=True, text=True, env=env,
                          timeout=30, check=False)


def calls(unit: Path) -> list[str]:
    path = unit / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_the_first_line_names_the_mode() -> None:
    assert script("on").splitlines()[0] == f"{HEADER} on"
    with pytest.raises(ValueError):
        script("sideways")


def test_haproxy_frontends_deny_writes_and_off_restores_the_file(unit: Path) -> None:
    (unit / "haproxy.cfg").write_text(HAPROXY)
    assert run(unit, "status").stdout == "octane-api-maintenance: off\n"
    done = run(unit, "on")
    assert (done.returncode, done.stdout) == (0, "octane-api-maintenance: on\n"), done.stderr
    text = (unit / "haproxy.cfg").read_text()
    frontend = text.split("frontend tcp-in_keystone-public\n")[1].splitlines()[:4]
    assert frontend == ["    # octane-maintenance begin", "    mode http",
                        "    http-request deny deny_status 503 if !{ method GET HEAD OPTIONS }"
                        " !{ path_end /auth/tokens }", "    # octane-maintenance end"]
    assert text.split("\nbackend keystone-public_10.5.0.0\n")[1].startswith(
        "    # octane-maintenance begin\n    mode http\n    # octane-maintenance end\n")
    assert calls(unit) == [f"haproxy -c -f {unit / 'haproxy.cfg'}", "systemctl reload haproxy"]
    assert run(unit, "on").returncode == 0                       # idempotent: no second block
    assert (unit / "haproxy.cfg").read_text() == text
    assert run(unit, "status").stdout == "octane-api-maintenance: on\n"
    assert run(unit, "off").stdout == "octane-api-maintenance: off\n"
    assert (unit / "haproxy.cfg").read_text() == HAPROXY         # exactly the charm's file


def test_a_configuration_that_fails_its_check_is_restored(unit: Path) -> None:
    (unit / "haproxy.cfg").write_text(HAPROXY)
    (unit / "fail-haproxy").touch()
    done = run(unit, "on")
    assert done.returncode == 1
    assert "failed its check; restored" in done.stderr
    assert (unit / "haproxy.cfg").read_text() == HAPROXY
    assert "systemctl reload haproxy" not in calls(unit)


def test_tls_terminated_in_apache_gets_the_rule_there(unit: Path) -> None:
    (unit / "haproxy.cfg").write_text(HAPROXY)
    (unit / "apache.conf").write_text(APACHE)
    assert run(unit, "on").returncode == 0
    text = (unit / "apache.conf").read_text()
    assert "RewriteCond %{REQUEST_METHOD} !^(GET|HEAD|OPTIONS)$" in text
    assert "RewriteRule ^ - [R=503,L]" in text
    assert (unit / "haproxy.cfg").read_text() == HAPROXY         # TLS passes haproxy by
    assert calls(unit) == ["a2enmod -q rewrite", "apache2ctl configtest",
                           "systemctl reload apache2"]
    assert run(unit, "off").returncode == 0
    assert (unit / "apache.conf").read_text() == APACHE


def test_a_unit_without_a_frontend_fails_clearly(unit: Path) -> None:
    done = run(unit, "on")
    assert done.returncode == 1
    assert done.stderr.strip() == "octane-api-maintenance: no haproxy or apache2 frontend " \
                                  "on this unit"
