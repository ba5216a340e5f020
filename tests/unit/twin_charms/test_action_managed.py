"""action-managed-upgrade: an origin change waits for openstack-upgrade, unit by unit."""

from __future__ import annotations

from tests.unit.twin_charms.helpers import Cloud, cloud

PAUSED = ("maintenance", "Paused. Use 'resume' action to resume normal service.")


def computes(action_managed: bool = True) -> Cloud:
    return cloud({"nova-compute": {
        "channel": "victoria/stable", "to": ["0", "1", "2"],
        "config": {"openstack-origin": "distro", "action-managed-upgrade": action_managed}}})


def test_origin_change_does_nothing_until_the_action_runs_on_each_unit() -> None:
    c = computes()
    c.config("nova-compute", openstack_origin="cloud:focal-victoria")
    c.settle()
    assert [c.version(f"nova-compute/{i}") for i in range(3)] == ["21.0.0"] * 3
    assert c.status("nova-compute/0") == ("active", "Unit is ready")
    done = c.run("nova-compute/1", "openstack-upgrade")
    assert (done.status, done.output) == ("completed",
                                          {"outcome": "success, upgrade completed."})
    assert [c.version(f"nova-compute/{i}") for i in range(3)] == [
        "21.0.0", "22.0.0", "21.0.0"]
    c.config("nova-compute", debug=True)  # a later hook does not undo or redo anything
    c.settle()
    assert [c.version(f"nova-compute/{i}") for i in range(3)] == [
        "21.0.0", "22.0.0", "21.0.0"]


def test_a_paused_unit_is_upgraded_and_stays_paused_until_resumed() -> None:
    c = computes()
    c.config("nova-compute", openstack_origin="cloud:focal-victoria")
    c.settle()
    assert c.run("nova-compute/0", "pause").status == "completed"
    assert c.status("nova-compute/0") == PAUSED
    c.run("nova-compute/0", "openstack-upgrade")
    assert c.version("nova-compute/0") == "22.0.0"
    assert c.status("nova-compute/0") == PAUSED
    c.run("nova-compute/0", "resume")
    assert c.status("nova-compute/0") == ("active", "Unit is ready")
    assert c.unit("nova-compute/0").charm_state == {}


def test_openstack_upgrade_outcomes_when_there_is_nothing_to_do() -> None:
    c = computes(action_managed=False)
    assert c.run("nova-compute/0", "openstack-upgrade").output == {
        "outcome": "no upgrade available."}
    c.config("nova-compute", openstack_origin="cloud:focal-victoria")
    # enqueued behind the upgrading config-changed: the charm upgrades in the hook itself
    skipped = c.run("nova-compute/0", "openstack-upgrade")
    assert skipped.output == {
        "outcome": "action-managed-upgrade config is False, skipped upgrade."}
    assert c.version("nova-compute/0") == "22.0.0"


def test_turning_action_managed_off_upgrades_in_config_changed() -> None:
    c = computes()
    c.config("nova-compute", openstack_origin="cloud:focal-victoria")
    c.settle()
    c.config("nova-compute", action_managed_upgrade=False)
    c.settle()
    assert [c.version(f"nova-compute/{i}") for i in range(3)] == ["22.0.0"] * 3
