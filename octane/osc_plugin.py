"""python-openstackclient plugin: the octane commands as ``openstack upgrade ...``.

OSC loads this module through the ``openstack.cli.extension`` entry point and the commands
through ``openstack.upgrade.v1``. octane talks to Juju itself, so the plugin's client is
only a marker.
"""

from __future__ import annotations

import argparse
from typing import Any

API_NAME = "upgrade"
API_VERSION_OPTION = "os_upgrade_api_version"
API_VERSIONS = {"1": "octane.osc_plugin.UpgradeClient"}
DEFAULT_API_VERSION = "1"


class UpgradeClient:
    """The client object OSC expects from a plugin; octane needs no extra session state."""

    def __init__(self, **kwargs: Any) -> None:
        self.options = kwargs


def make_client(instance: Any) -> UpgradeClient:
    """Return the (stateless) plugin client for OSC's ClientManager."""
    return UpgradeClient(region=getattr(instance, "region_name", None))


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the plugin's global option (its API version) to OSC's parser."""
    parser.add_argument(
        "--os-upgrade-api-version",
        metavar="<upgrade-api-version>",
        default=DEFAULT_API_VERSION,
        help="octane plugin API version (default: 1)",
    )
    return parser
