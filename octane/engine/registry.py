"""The action registry: plan steps name their action, the registry says what that name does.

A plan is data, so a step carries ``action="juju.refresh"`` and JSON parameters, never a
callable. The registry is the one place where such a name meets code. It is an explicit,
immutable mapping built by whoever runs a plan (``octane upgrade`` builds the in-place
vocabulary, tests build a small one), never filled by importing a module: an action that
nobody registered is reported by :func:`octane.engine.graph.validate` before anything runs,
instead of being discovered half-way through a maintenance window.

Each action may come with ``verify``: an idempotent, read-only check telling whether the
step's effect is already in place. The engine calls it on resume for every step that was
started but not recorded as finished (the process died or was terminated while it ran), and
skips the action when it says yes. Without ``verify`` the action itself is re-run, which is
why every action must be idempotent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from octane.plan.step import JSON, Step

if TYPE_CHECKING:
    from octane.engine.context import StepContext

D = TypeVar("D")

#: What an action is: ``await action(ctx, step)`` does the step and returns a JSON-able result
#: that the journal keeps (a unit list, a file name, a count of archived rows...).
ActionFn = Callable[["StepContext[D]", Step], Awaitable[JSON]]

#: ``await verify(ctx, step)`` is True when the step's effect is already in place.
VerifyFn = Callable[["StepContext[D]", Step], Awaitable[bool]]


@dataclass(frozen=True)
class Action(Generic[D]):
    """One named piece of work: what runs the step, and how to check it already happened."""

    run: ActionFn[D]
    verify: VerifyFn[D] | None = None
    #: One line for ``octane status`` and the docs: what the action does to the cloud.
    summary: str = ""


class Registry(Mapping[str, Action[D]]):
    """An immutable name → :class:`Action` mapping that a run is given explicitly.

    ``D`` is the type of the dependencies every action receives as ``ctx.deps`` (the Juju
    model, the OpenStack connection...), so an action vocabulary and the object that feeds
    it are checked together by mypy.
    """

    def __init__(self, actions: Mapping[str, Action[D] | ActionFn[D]] | None = None) -> None:
        table: dict[str, Action[D]] = {}
        for name, entry in (actions or {}).items():
            if not name or name != name.strip():
                raise ValueError(f"bad action name {name!r}")
            table[name] = entry if isinstance(entry, Action) else Action(run=entry)
        self._actions = table

    def __getitem__(self, name: str) -> Action[D]:
        return self._actions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._actions))

    def __len__(self) -> int:
        return len(self._actions)

    def __repr__(self) -> str:
        return f"Registry({sorted(self._actions)!r})"

    def merged(self, other: Mapping[str, Action[D]]) -> Registry[D]:
        """A new registry with ``other``'s actions added; a name defined twice is an error.

        Vocabularies are assembled from parts (Juju actions, OpenStack actions, database
        actions); silently letting one part shadow another would run the wrong code.
        """
        clash = sorted(set(self._actions) & set(other))
        if clash:
            raise ValueError(f"action names defined twice: {', '.join(clash)}")
        return Registry({**self._actions, **dict(other)})

