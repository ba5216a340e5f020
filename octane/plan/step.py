"""The plan is data: a tree of steps with stable ids, readable descriptions and named actions.

A :class:`Step` never holds a coroutine or a callable. It names its action (``"juju.refresh"``)
and carries JSON-able parameters, so a plan can be printed, saved as JSON, compared in golden
tests, journaled step by step and resumed after a crash — the things COU's plans of
pre-created coroutines cannot do.

Execution semantics (the engine implements them, the planner relies on them):

* a step runs its own action (if any) first, then its children;
* children of a step with ``parallel=False`` run one after another, in order;
  children of a step with ``parallel=True`` may run concurrently;
* ``requires`` lists ids of other steps that must have finished before this one starts
  (ordering across branches of the tree: "nova-compute before ceph-osd");
* steps sharing a name in ``locks`` never run at the same time (a unit being paused, the
  model-wide idle wait);
* ``prompt=True`` marks where an interactive run asks the operator (the cloud, each
  application, each availability-zone group), showing the step's subtree first.

Ids are stable: they are derived from what a step does and to what (``"cp/keystone/refresh"``),
never from its position, so a journal entry still names the same step when the plan is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from octane.plan import jsontext

JSON: TypeAlias = Any
PLAN_FORMAT = "octane-plan/1"

#: Marks a step whose siblings run concurrently, in the text form (COU uses the same letter).
PARALLEL_MARK = "Ψ "


@dataclass(frozen=True)
class Step:
    """One node of a plan; see the module docstring for the execution semantics."""

    id: str
    description: str
    action: str | None = None
    params: Mapping[str, JSON] = field(default_factory=dict)
    children: tuple[Step, ...] = ()
    parallel: bool = False
    prompt: bool = False
    requires: tuple[str, ...] = ()
    locks: tuple[str, ...] = ()

    def walk(self) -> Iterator[Step]:
        """Yield this step and every descendant, depth first, in plan order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, step_id: str) -> Step | None:
        """The step with ``step_id`` in this subtree, or None."""
        return next((s for s in self.walk() if s.id == step_id), None)

    def to_dict(self) -> dict[str, JSON]:
        """A JSON-able dict; empty optional fields are left out to keep saved plans short."""
        out: dict[str, JSON] = {"id": self.id, "description": self.description}
        if self.action is not None:
            out["action"] = self.action
        if self.params:
            out["params"] = dict(self.params)
        if self.parallel:
            out["parallel"] = True
        if self.prompt:
            out["prompt"] = True
        if self.requires:
            out["requires"] = list(self.requires)
        if self.locks:
            out["locks"] = list(self.locks)
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, JSON]) -> Step:
        """Rebuild a step saved with :meth:`to_dict`."""
        return cls(
            id=str(data["id"]),
            description=str(data["description"]),
            action=data.get("action"),
            params=dict(data.get("params", {})),
            children=tuple(cls.from_dict(c) for c in data.get("children", ())),
            parallel=bool(data.get("parallel", False)),
            prompt=bool(data.get("prompt", False)),
            requires=tuple(data.get("requires", ())),
            locks=tuple(data.get("locks", ())),
        )

    def render(self, indent: str = "  ") -> str:
        """The tree as text, one step per line, children indented, parallel ones marked."""
        lines: list[str] = []

        def visit(step: Step, depth: int, in_parallel: bool) -> None:
            mark = PARALLEL_MARK if in_parallel else ""
            lines.append(f"{indent * depth}{mark}{step.description}")
            for child in step.children:
                visit(child, depth + 1, step.parallel)

        visit(self, 0, False)
        return "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    """A whole plan: the root step plus what it was built from.

    ``meta`` records the model, releases, group, options and a fingerprint of the cloud
    state the plan was computed against, so ``octane upgrade --plan FILE`` can refuse a plan
    that no longer matches the cloud.
    """

    root: Step
    meta: Mapping[str, JSON] = field(default_factory=dict)

    def to_dict(self) -> dict[str, JSON]:
        """The JSON document ``octane plan -f json`` prints and ``--plan FILE`` reads."""
        return {"format": PLAN_FORMAT, "meta": dict(self.meta), "plan": self.root.to_dict()}

    def to_json(self) -> str:
        """Stable JSON text (keys in the order written, two-space indentation): the layout
        of ``json.dumps(indent=2, ensure_ascii=False)``, written by the faster
        :func:`octane.plan.jsontext.dumps`."""
        return jsontext.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, JSON]) -> Plan:
        """Load a plan saved with :meth:`to_dict`; rejects unknown formats."""
        if data.get("format") != PLAN_FORMAT:
            raise ValueError(f"not an octane plan (format {data.get('format')!r}, "
                             f"expected {PLAN_FORMAT!r})")
        return cls(root=Step.from_dict(data["plan"]), meta=dict(data.get("meta", {})))

    def digest(self) -> str:
        """A short hash of the steps (not the meta), naming this exact plan in journals."""
        body = json.dumps(self.root.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(body).hexdigest()[:16]

    def render(self) -> str:
        """The plan as the operator reads it."""
        return self.root.render()
