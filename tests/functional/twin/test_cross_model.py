"""Two models side by side: offers, consume and cross-model relations through libjuju."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from juju import errors as juju_errors
from juju.client import client
from juju.controller import RemoveError
from juju.model import Model

from octane.twin.testing import RunningTwin
from tests.functional import libjuju_status as jstatus
from tests.functional.twin import contract

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def twin_scenario() -> str:
    return str(Path(__file__).parent / "scenarios" / "two-models.yaml")


async def test_offer_consume_relate(twin: RunningTwin, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = contract.Recorder().install(monkeypatch)
    async with asyncio.timeout(60):
        original, seed = Model(), Model()
        await original.connect(model_name=twin.model_name("openstack"))
        await seed.connect(model_name=twin.model_name("seed"))
        try:
            offers = await original.list_offers()
            assert [o.offer_name for o in offers.results] == ["mysql-router"]
            await original.create_offer("glance:image-service", offer_name="images")
            # libjuju keys offers by application name (delta id: application-name)
            await original.block_until(lambda: "glance" in original.application_offers,
                                       timeout=10)
            listed = await original.list_offers()
            assert sorted(o.offer_name for o in listed.results) == ["images", "mysql-router"]
            name = await seed.consume("admin/openstack.mysql-router", application_alias="db")
            assert name == "db"
            await seed.block_until(lambda: "db" in seed.remote_applications, timeout=10)
            await seed.relate("router:db-router", "db:db-router")
            status = await seed.get_status()
            assert jstatus.present(status.remote_applications["db"]).offer_url == \
                "admin/openstack.mysql-router"
            assert [jstatus.present(r).key for r in status.relations] == [
                "router:db-router db:db-router"]
            listed = await original.list_offers()
            connected = {o.offer_name: len(o.connections) for o in listed.results}
            assert connected == {"images": 0, "mysql-router": 1}
            with pytest.raises(RemoveError):  # libjuju refuses without force, client-side
                await original.remove_offer("admin/openstack.mysql-router")
            controller = await original.get_controller()
            try:  # the controller refuses too
                facade = client.ApplicationOffersFacade.from_connection(
                    controller.connection())
                with pytest.raises(juju_errors.JujuError, match="offer has 1 relations"):
                    await facade.DestroyOffers(force=False,
                                               offer_urls=["admin/openstack.mysql-router"])
            finally:
                await controller.disconnect()
            await original.remove_offer("admin/openstack.mysql-router", force=True)
            await seed.block_until(lambda: "db" not in seed.remote_applications, timeout=10)
            assert (await seed.get_status()).relations == []
        finally:
            await seed.disconnect()
            await original.disconnect()
    contract.check(recorder)
    assert {"ApplicationOffers.Offer", "ApplicationOffers.ListApplicationOffers",
            "ApplicationOffers.GetConsumeDetails", "Application.Consume",
            "ApplicationOffers.DestroyOffers"} <= recorder.methods()
