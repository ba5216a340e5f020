"""Connecting: JUJU_DATA, TLS, login, and the errors a real controller gives."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from juju import errors as juju_errors
from juju.client.connection import Connection
from juju.model import Model

from octane.twin.testing import RunningTwin

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _rewrite(path: Path, edit: Callable[[dict[str, Any]], object]) -> None:
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc))


async def test_current_model_default(twin: RunningTwin) -> None:
    async with asyncio.timeout(30):
        model = Model()
        await model.connect()
        try:
            assert model.info.name == "openstack"
            assert str(model.info.agent_version) == "3.6.1"
            assert set(model.applications) == {"keystone", "keystone-hacluster", "mysql",
                                               "keystone-mysql-router"}
        finally:
            await model.disconnect()


async def test_model_missing_from_models_yaml_is_found_via_the_controller(
        twin: RunningTwin) -> None:
    def drop(doc: dict[str, Any]) -> None:
        del doc["controllers"]["twin"]["models"]["admin/openstack"]
    _rewrite(twin.juju_data / "models.yaml", drop)
    async with asyncio.timeout(30):
        model = Model()
        await model.connect(model_name="twin:admin/openstack")
        try:
            assert model.info.name == "openstack"
        finally:
            await model.disconnect()


async def test_wrong_password(twin: RunningTwin) -> None:
    _rewrite(twin.juju_data / "accounts.yaml",
             lambda doc: doc["controllers"]["twin"].update(password="wrong"))
    async with asyncio.timeout(30):
        with pytest.raises(juju_errors.JujuAPIError) as caught:
            await Model().connect(model_name=twin.model_name("openstack"))
    assert caught.value.message == "invalid entity name or password"
    assert caught.value.error_code == "unauthorized access"


async def test_unknown_model_uuid(twin: RunningTwin) -> None:
    controllers = yaml.safe_load((twin.juju_data / "controllers.yaml").read_text())
    ca = controllers["controllers"]["twin"]["ca-cert"]
    password = yaml.safe_load((twin.juju_data / "accounts.yaml").read_text())[
        "controllers"]["twin"]["password"]
    missing = "00000000-0000-4000-8000-000000000000"
    async with asyncio.timeout(30):
        with pytest.raises(juju_errors.JujuAPIError) as caught:
            await Connection.connect(twin.api_endpoint, uuid=missing, username="admin",
                                     password=password, cacert=ca, retries=0)
    assert caught.value.message == f'unknown model: "{missing}"'
    assert caught.value.error_code == "model not found"


async def test_unknown_model_name(twin: RunningTwin) -> None:
    async with asyncio.timeout(30):
        with pytest.raises(juju_errors.JujuError, match=r"not among the models|not found"):
            await Model().connect(model_name="twin:admin/nope")


async def test_missing_ca_fails_verification(twin: RunningTwin) -> None:
    _rewrite(twin.juju_data / "controllers.yaml",
             lambda doc: doc["controllers"]["twin"].pop("ca-cert"))
    async with asyncio.timeout(30):
        with pytest.raises(ssl.SSLCertVerificationError):
            await Model().connect(model_name=twin.model_name("openstack"))


async def test_server_certificate_passes_strict_verification(twin: RunningTwin) -> None:
    """Python 3.13's default VERIFY_X509_STRICT must accept the twin's chain."""
    controllers = yaml.safe_load((twin.juju_data / "controllers.yaml").read_text())
    context = ssl.create_default_context(cadata=controllers["controllers"]["twin"]["ca-cert"])
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    host, port = twin.api_endpoint.split(":")
    async with asyncio.timeout(10):
        _, writer = await asyncio.open_connection(host, int(port), ssl=context)
        cert = writer.get_extra_info("peercert")
        writer.close()
    assert ("organizationName", "juju") in cert["subject"][1]
    assert ("IP Address", "127.0.0.1") in cert["subjectAltName"]


def test_juju_data_files_are_private(twin: RunningTwin) -> None:
    for name in ("accounts.yaml", "cookies/twin.json", "ssh/juju_id_rsa"):
        assert (twin.juju_data / name).stat().st_mode & 0o077 == 0, name
    assert (twin.data_dir / "twin.json").stat().st_mode & 0o077 == 0
    assert (twin.juju_data / "cookies" / "twin.json").read_text() == "[]"
    api = yaml.safe_load((twin.juju_data / "controllers.yaml").read_text())
    assert api["controllers"]["twin"]["api-endpoints"] == [twin.api_endpoint]
    assert twin.api_endpoint.startswith("127.0.0.1:")
