"""Plans of test actions used by the functional engine tests (and the crash harness)."""

from __future__ import annotations

from typing import Any

from octane.plan.step import Plan, Step


def write(sid: str, path: str, text: str, sleep: float = 0.0, **kw: Any) -> Step:
    return Step(id=sid, description=f"Write '{path}'", action="test.write",
                params={"path": path, "text": text, "sleep": sleep}, **kw)


def concat(sid: str, inputs: list[str], output: str, **kw: Any) -> Step:
    return Step(id=sid, description=f"Join {', '.join(inputs)} into '{output}'",
                action="test.concat", params={"inputs": inputs, "output": output},
                **kw)


def gate(sid: str, name: str) -> Step:
    return Step(id=sid, description=f"Wait for gate '{name}'", action="test.gate",
                params={"name": name, "timeout": 30})


def gated_plan() -> Plan:
    """head, a gated step, then a tail that must not start after an interrupt."""
    return Plan(Step(id="cloud", description="Upgrade cloud from 'a' to 'b'", prompt=True,
                     children=(write("head", "head.txt", "H"), gate("hold", "g"),
                               write("tail", "tail.txt", "T"))))


def cloud_plan() -> Plan:
    """Prompted applications (one with per-unit children in parallel), an AZ group with a
    lock, cross-branch requires and a final join that fails if ordering was violated."""
    app1 = Step(id="cp/app1", description="Upgrade plan for 'app1' to 'b'", prompt=True,
                children=(write("cp/app1/refresh", "app1.txt", "1", 0.05),
                          Step(id="cp/app1/settle", description="Wait for 'app1' units",
                               action="test.settle",
                               params={"units": ["app1/0", "app1/1", "app1/2"], "each": 0.05}),
                          ))
    app2 = Step(id="cp/app2", description="Upgrade plan for 'app2' to 'b'", prompt=True,
                children=(write("cp/app2/refresh", "app2.txt", "2", 0.05),))
    az = Step(id="hv/az-1", description="Upgrade plan for 'az-1' to 'b'", prompt=True,
              parallel=True, requires=("cp",),
              children=tuple(write(f"hv/az-1/{n}", f"hv{n}.txt", f"h{n}", 0.05,
                                   locks=("model-wait",)) for n in range(3)))
    return Plan(Step(
        id="cloud", description="Upgrade cloud from 'a' to 'b'", prompt=True,
        children=(write("pre", "pre.txt", "P", 0.05),
                  Step(id="cp", description="Control plane", parallel=True,
                       children=(app1, app2)),
                  az,
                  concat("post", ["pre.txt", "app1.txt", "app2.txt", "hv0.txt", "hv1.txt",
                                  "hv2.txt"], "all.txt"))))


def crash_plan() -> Plan:
    """~30 steps of short writes: sequences, parallel fan-outs, locks, cross edges and joins
    whose content depends on the order, so a wrongly ordered or skipped step changes the end
    state."""
    apps = []
    for a in range(4):
        units = tuple(write(f"app{a}/u{u}", f"app{a}/u{u}.txt", f"{a}.{u}", 0.03,
                            locks=(f"unit:{a}/{u}",)) for u in range(3))
        apps.append(Step(
            id=f"app{a}", description=f"Upgrade plan for 'app{a}'",
            requires=("app0",) if a == 3 else (),
            children=(write(f"app{a}/refresh", f"app{a}/charm.txt", f"c{a}", 0.04),
                      Step(id=f"app{a}/units", description=f"Units of 'app{a}'",
                           parallel=True, children=units),
                      concat(f"app{a}/check", [f"app{a}/charm.txt"] +
                             [f"app{a}/u{u}.txt" for u in range(3)], f"app{a}/done.txt",
                             locks=("model",)))))
    return Plan(Step(
        id="cloud", description="Upgrade cloud", children=(
            write("backup", "backup.txt", "B", 0.05),
            Step(id="apps", description="Applications", parallel=True, children=tuple(apps)),
            concat("final", ["backup.txt"] + [f"app{a}/done.txt" for a in range(4)],
                   "final.txt"))))
