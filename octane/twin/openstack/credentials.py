"""The admin credentials of a twin, as an operator gets them: ``OS_*`` variables or clouds.yaml.

Charmed OpenStack's admin openrc authenticates the ``admin`` user of ``admin_domain`` on
the ``admin`` project; the twin hands out the same shape so octane is driven exactly as on a
real cloud (``source openrc`` or ``--os-cloud``). The password is generated per twin; the
clouds.yaml is written 0600 because it holds it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from octane.paths import write_private
from octane.twin.openstack.model import User
from octane.twin.openstack.scenario import ADMIN_DOMAIN
from octane.twin.openstack.state import OpenStackState


def _admin(state: OpenStackState) -> User:
    for user in state.users.values():
        if user.name == "admin":
            return user
    raise LookupError("the twin has no admin user")


def openrc(state: OpenStackState, auth_url: str) -> dict[str, str]:
    """The ``OS_*`` variables of the twin's admin (what ``octane twin up`` prints)."""
    return {
        "OS_AUTH_URL": auth_url,
        "OS_AUTH_TYPE": "password",
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": "admin",
        "OS_PASSWORD": _admin(state).password,
        "OS_USER_DOMAIN_NAME": ADMIN_DOMAIN,
        "OS_PROJECT_NAME": "admin",
        "OS_PROJECT_DOMAIN_NAME": ADMIN_DOMAIN,
        "OS_REGION_NAME": state.region,
        "OS_INTERFACE": "public",
    }


def openrc_text(variables: dict[str, str]) -> str:
    """``export NAME=value`` lines, shell-quoted, ready for ``eval`` or a file to source."""
    return "".join(f"export {name}={shlex.quote(value)}\n"
                   for name, value in sorted(variables.items()))


def clouds_yaml(state: OpenStackState, auth_url: str, cloud: str = "octane-twin") -> str:
    """A clouds.yaml document with the twin's admin as ``cloud``."""
    document = {"clouds": {cloud: {
        "auth": {"auth_url": auth_url, "username": "admin", "password": _admin(state).password,
                 "user_domain_name": ADMIN_DOMAIN, "project_name": "admin",
                 "project_domain_name": ADMIN_DOMAIN},
        "auth_type": "password",
        "identity_api_version": 3,
        "region_name": state.region,
        "interface": "public",
    }}}
    return yaml.safe_dump(document, sort_keys=False)


def write_clouds_yaml(path: Path, text: str) -> Path:
    """Write a clouds.yaml holding a password: 0600 in a 0700 directory, atomically."""
    return write_private(path, text)
