"""Credentials, the openstacksdk connection, and SDK errors as one-line OctaneErrors.

Credentials are read the way python-openstackclient reads them (openstacksdk's config
loader): ``--os-cloud NAME`` (or ``OS_CLOUD``) picks a clouds.yaml entry, otherwise the
``OS_*`` variables of a sourced openrc. An operator who got them wrong must read one line
saying what is wrong and where, never a keystoneauth traceback.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import keystoneauth1.exceptions as ksa
import openstack
import openstack.config
import openstack.exceptions as sdk
import openstack.warnings as sdk_warnings

from octane.errors import ConnectionFailed, NotFound, OctaneError

T = TypeVar("T")

# The SDK warns on every access to fields Nova deprecated (running_vms, ...) and about its own
# optional integrations; an operator's terminal is no place for them. Only the SDK's own
# deprecation categories are silenced, for the whole process, because the SDK runs in worker
# threads where catch_warnings() is not thread-safe.
warnings.filterwarnings("ignore", category=sdk_warnings.RemovedFieldWarning)
warnings.filterwarnings("ignore", category=sdk_warnings.OpenStackDeprecationWarning)
warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="openstack")

NO_CREDENTIALS = ("no OpenStack credentials: source an admin openrc (OS_AUTH_URL, "
                  "OS_USERNAME, ...) or pass --os-cloud NAME")


class MaintenanceRefused(OctaneError):
    """The API refused a change with 503: the cloud's writes are in maintenance."""


def _first_line(text: object) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


def open_connection(os_cloud: str | None = None, *, config_file: Path | None = None,
                    timeout: float = 30.0) -> tuple[openstack.connection.Connection, str]:
    """An authenticated connection and its auth URL (blocking: run it in a thread).

    ``config_file`` replaces the standard clouds.yaml search path (tests, ``octane twin``).
    ``timeout`` bounds every HTTP request, so an unreachable endpoint fails in bounded time.
    """
    files = [str(config_file)] if config_file is not None else None
    try:
        loader = openstack.config.OpenStackConfig(config_files=files)
        region = loader.get_one(cloud=os_cloud, api_timeout=timeout)
    except sdk.ConfigException as exc:
        if os_cloud:
            raise ConnectionFailed(f"cloud '{os_cloud}' is not defined in clouds.yaml "
                                   f"({_first_line(exc)})") from None
        raise ConnectionFailed(f"invalid OpenStack configuration: {_first_line(exc)}") from None
    except ksa.MissingRequiredOptions:
        raise ConnectionFailed(NO_CREDENTIALS) from None
    auth = region.config.get("auth") or {}
    auth_url = str(auth.get("auth_url") or "")
    if not auth_url:
        raise ConnectionFailed(NO_CREDENTIALS)
    user = auth.get("username") or auth.get("user_id") or "?"
    conn = openstack.connection.Connection(config=region)
    try:
        conn.session.get_token()
    except ksa.Unauthorized:
        conn.close()
        raise ConnectionFailed(f"OpenStack refused the credentials of user '{user}' at "
                               f"{auth_url} (HTTP 401)",
                               hint="check the password, user and project domains and "
                                    "the project, or the --os-cloud entry") from None
    except ksa.ClientException as exc:
        conn.close()
        raise _unreachable(auth_url, exc) from None
    return conn, auth_url


def _unreachable(url: str, exc: Exception) -> ConnectionFailed:
    if isinstance(exc, ksa.ConnectFailure | ksa.ConnectTimeout):
        reason = "connection refused or timed out"
    elif isinstance(exc, ksa.MissingRequiredOptions):
        return ConnectionFailed(NO_CREDENTIALS)
    elif isinstance(exc, ksa.HttpError):
        reason = f"HTTP {exc.http_status}"
    else:
        reason = _first_line(exc) or type(exc).__name__
    return ConnectionFailed(f"cannot reach the OpenStack API at {url}: {reason}",
                            hint="check OS_AUTH_URL and that the API is up")


@contextmanager
def translated(what: str, auth_url: str) -> Iterator[None]:
    """Turn SDK and keystoneauth failures during ``what`` into one-line OctaneErrors."""
    try:
        yield
    except OctaneError:
        raise
    except sdk.HttpException as exc:
        status = exc.status_code
        details = _first_line(exc.details or exc.message) or "no details"
        if status == 503:
            raise MaintenanceRefused(f"{what}: the OpenStack API is in maintenance and refused "
                                     f"the change (HTTP 503): {details}") from None
        if status == 404:
            raise NotFound(f"{what}: {details} (HTTP 404)") from None
        if status == 401:
            raise ConnectionFailed(f"{what}: OpenStack no longer accepts our token "
                                   f"(HTTP 401): {details}") from None
        raise OctaneError(f"{what} failed: {details} (HTTP {status})") from None
    except ksa.EndpointNotFound as exc:
        raise OctaneError(f"{what}: the service catalog has no endpoint for it "
                          f"({_first_line(exc)})") from None
    except ksa.ClientException as exc:
        raise _unreachable(auth_url, exc) from None
    except sdk.SDKException as exc:
        raise OctaneError(f"{what} failed: {_first_line(exc)}") from None


def call(what: str, auth_url: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` (blocking SDK code) with :func:`translated` errors."""
    with translated(what, auth_url):
        return fn()
