"""Vault is touched only when the operator asks (DESIGN.md safety rules)."""

from __future__ import annotations

from octane.cloud.analysis import analyse
from octane.cloud.model import Cloud
from octane.plan.builder import PlanResult, build
from octane.plan.options import PlanOptions
from tests.golden.scenarios import control_plane_done, openstack_cloud


def _plan(cloud: Cloud, **options: object) -> PlanResult:
    return build(analyse(cloud), PlanOptions(**options))  # type: ignore[arg-type]


def _apps(result: PlanResult) -> set[str]:
    out = set()
    for step in result.plan.root.walk():
        for key in ("application", "unit"):
            value = step.params.get(key)
            if isinstance(value, str):
                out.add(value.split("/", 1)[0])
    return out


def _jammy_yoga() -> Cloud:
    return openstack_cloud("m", "jammy", "yoga", vault="1.7/stable").build()


def test_vault_and_its_subordinates_are_left_out_by_default_with_a_warning() -> None:
    result = _plan(_jammy_yoga())
    assert not {"vault", "vault-hacluster", "vault-mysql-router"} & _apps(result)
    assert result.plan.meta["left_out"] == ["vault", "vault-hacluster", "vault-mysql-router"]
    assert [w.message for w in result.warnings if "vault" in w.message] == [
        "'vault' (with 'vault-hacluster', 'vault-mysql-router') left out: octane touches "
        "vault only when asked; add --upgrade-vault to upgrade it (you will be asked for its "
        "unseal keys)"]


def test_upgrade_vault_plans_it_with_the_unseal_prompt() -> None:
    result = _plan(_jammy_yoga(), upgrade_vault=True)
    unseal = result.plan.root.find("cp/vault/unseal")
    assert unseal is not None and unseal.prompt and unseal.action == "vault.unseal"
    assert result.plan.meta["left_out"] == []
    assert result.plan.meta["options"]["upgrade_vault"] is True


def test_a_sealed_vault_no_longer_stops_a_plan_that_leaves_it_out() -> None:
    builder = openstack_cloud("m", "jammy", "yoga", vault="1.7/stable")
    for unit in builder.apps["vault"]["units"]:
        unit["workload_status"], unit["workload_message"] = "blocked", "Unit is sealed"
    result = _plan(builder.build())
    assert result.plan.root.find("cp/keystone") is not None
    assert "vault" not in _apps(result)


def test_skip_apps_vault_is_still_accepted_and_keeps_its_own_warning() -> None:
    result = _plan(_jammy_yoga(), skip_apps=frozenset({"vault"}), upgrade_vault=True)
    assert "vault" not in _apps(result)
    assert result.plan.meta["left_out"] == []  # its subordinates are planned as COU does
    assert any(w.message.startswith("'vault' is skipped (--skip-apps)") for w in
               result.warnings)


def test_the_vault_advice_is_given_only_where_vault_would_be_planned() -> None:
    # vault is a control-plane application: --upgrade-vault changes nothing in a data-plane
    # or hypervisors plan, so those do not advise it (vault is still left out, in meta)
    cloud = control_plane_done("jammy", "yoga", "zed")
    for group in ("data-plane", "hypervisors"):
        result = _plan(cloud, group=group)
        assert not [w for w in result.warnings if "--upgrade-vault" in w.message], group
    assert [w for w in _plan(_jammy_yoga(), group="control-plane").warnings
            if "--upgrade-vault" in w.message]
