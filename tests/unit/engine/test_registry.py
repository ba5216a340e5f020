import pytest

from octane.engine import Action, Registry
from octane.plan.step import Step


async def _a(ctx: object, step: Step) -> str:
    return "a"


async def _check(ctx: object, step: Step) -> bool:
    return True


def test_plain_callables_are_wrapped_and_actions_kept() -> None:
    reg: Registry[object] = Registry({"x.a": _a, "x.b": Action(run=_a, verify=_check)})
    assert reg["x.a"].run is _a and reg["x.a"].verify is None
    assert reg["x.b"].verify is _check
    assert list(reg) == ["x.a", "x.b"] and len(reg) == 2
    assert "x.c" not in reg


def test_bad_names_are_refused() -> None:
    with pytest.raises(ValueError, match="bad action name"):
        Registry({" x": _a})
    with pytest.raises(ValueError, match="bad action name"):
        Registry({"": _a})


def test_merging_refuses_a_name_defined_twice() -> None:
    juju: Registry[object] = Registry({"juju.refresh": _a})
    merged = juju.merged(Registry({"openstack.disable": _a}))
    assert list(merged) == ["juju.refresh", "openstack.disable"]
    assert list(juju) == ["juju.refresh"]  # the original is unchanged
    with pytest.raises(ValueError, match=r"defined twice: juju\.refresh"):
        merged.merged(Registry({"juju.refresh": _a}))
