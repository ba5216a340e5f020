import pytest

from octane.engine import PlanInvalid, Registry, validate_plan
from octane.engine.graph import PlanGraph
from octane.plan.step import Plan, Step
from tests.unit.engine.plans import group, leaf


async def _noop(ctx: object, step: Step) -> None:
    return None


REGISTRY: Registry[object] = Registry({"t.ok": _noop})


def test_sequential_children_wait_for_previous_sibling_parallel_ones_do_not() -> None:
    root = group("root", group("seq", leaf("a"), leaf("b"), leaf("c")),
                 group("par", leaf("x"), leaf("y"), parallel=True))
    graph = PlanGraph(root)
    assert graph["a"].after == ()
    assert graph["b"].after == ("a",)
    assert graph["c"].after == ("b",)
    assert graph["par"].after == ("seq",)
    assert graph["x"].after == graph["y"].after == ()
    assert graph["y"].ancestors == {"root", "par"}
    assert [n.id for n in graph] == ["root", "seq", "a", "b", "c", "par", "x", "y"]


def test_requires_are_added_after_the_sibling_edge() -> None:
    root = group("root", group("g", leaf("a"), leaf("b", requires=("x",))),
                 leaf("x"), parallel=True)
    graph = PlanGraph(root)
    assert graph["b"].after == ("a", "x")
    validate_plan(Plan(root), REGISTRY)  # a cross edge is fine when it makes no cycle


def test_valid_plan_passes_and_returns_graph() -> None:
    graph = validate_plan(Plan(group("root", leaf("a"), leaf("b"))), REGISTRY)
    assert len(graph) == 3


def test_unknown_action_is_reported_with_step_and_name() -> None:
    plan = Plan(group("root", leaf("a"), leaf("b", action="juju.frobnicate")))
    with pytest.raises(PlanInvalid) as err:
        validate_plan(plan, REGISTRY)
    assert err.value.problems == ["step 'b' uses unknown action 'juju.frobnicate'"]
    assert err.value.exit_code == 1
    assert "\n" not in err.value.one_line()


def test_unknown_actions_are_not_checked_without_registry() -> None:
    validate_plan(Plan(group("root", leaf("b", action="juju.frobnicate"))))


def test_dangling_and_self_requires() -> None:
    plan = Plan(group("root", leaf("a", requires=("nope",)), leaf("b", requires=("b",))))
    with pytest.raises(PlanInvalid) as err:
        validate_plan(plan, REGISTRY)
    assert err.value.problems == ["step 'a' requires unknown step 'nope'",
                                  "step 'b' requires itself"]


def test_duplicate_ids_are_refused() -> None:
    plan = Plan(group("root", leaf("a"), group("g", leaf("a"))))
    with pytest.raises(PlanInvalid, match="step id 'a' is used twice"):
        validate_plan(plan, REGISTRY)


@pytest.mark.parametrize("root", [
    # two steps requiring each other across branches
    group("root", leaf("a", requires=("b",)), leaf("b", requires=("a",)), parallel=True),
    # a step requiring its own ancestor: the ancestor is done only after the step
    group("root", group("g", leaf("a", requires=("g",)))),
    # a group requiring its descendant: the descendant starts only after the group
    group("root", group("g", leaf("a"), requires=("a",))),
    # requiring a later sibling of a sequential parent
    group("root", leaf("a", requires=("c",)), leaf("b"), leaf("c")),
])
def test_cycles_are_refused_with_the_steps_named(root: Step) -> None:
    with pytest.raises(PlanInvalid) as err:
        validate_plan(Plan(root), REGISTRY)
    assert len(err.value.problems) == 1
    problem = err.value.problems[0]
    assert problem.startswith("dependency cycle: ")
    names = problem.removeprefix("dependency cycle: ").split(" → ")
    assert len(names) >= 2 and names[0] == names[-1]


def test_many_problems_are_listed_together_and_summarised() -> None:
    plan = Plan(group("root", *(leaf(f"s{i}", action=f"x.{i}") for i in range(5))))
    with pytest.raises(PlanInvalid) as err:
        validate_plan(plan, REGISTRY)
    assert len(err.value.problems) == 5
    assert "(and 2 more, see the log)" in err.value.one_line()


def test_event_order_is_topological_and_deterministic() -> None:
    root = group("root", group("g", leaf("a"), leaf("b"), parallel=True), leaf("c"))
    graph = PlanGraph(root)
    order = graph.event_order()
    assert order == PlanGraph(root).event_order()
    position = {e: i for i, e in enumerate(order)}
    for event in order:
        for pred in graph.event_preds(event):
            assert position[pred] < position[event]
