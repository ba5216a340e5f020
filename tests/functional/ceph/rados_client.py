"""A librados client that keeps writing and reading objects until a stop file appears.

Run with Debian's /usr/bin/python3 (python3-rados exists only for that interpreter, not for
the project's venv). Writes a JSON summary: operations, errors, the longest single operation
(the stall a VM's disk would see during an election) and the last payload of each object,
which the test reads back through a fresh client.

With a sixth argument (a directory), it also leaves what a stall needs explaining there:
``client-ops.log`` (each operation's wall-clock start, duration and outcome) and
``client-rados.log`` (librados' own log: which monitor each request went to, every hunt and
connection fault). That is how a 60 s monitor-op hang during the hand-over was traced to a
session opened on a monitor that was being removed (octane.ceph.handover, ``_remove``).
"""

import json
import os
import sys
import time

import rados

conf, pool, stop_file, ready_file, out_file = sys.argv[1:6]
logs = sys.argv[6] if len(sys.argv) > 6 else None
debug = {"log_file": f"{logs}/client-rados.log", "log_to_stderr": "false",
         "err_to_stderr": "false", "debug_monc": "10", "debug_objecter": "10",
         "debug_ms": "1"} if logs else {}
cluster = rados.Rados(conffile=conf, conf={"rados_osd_op_timeout": "60",
                                           "rados_mon_op_timeout": "60", **debug})
oplog = open(f"{logs}/client-ops.log", "w", buffering=1) if logs else None  # noqa: SIM115
cluster.connect(timeout=30)
ioctx = cluster.open_ioctx(pool)
ops = errors = 0
longest = 0.0
slowest: dict[str, object] = {}
samples: list[str] = []
last: dict[str, str] = {}
i = 0
open(ready_file, "w").close()
deadline = time.monotonic() + 600                    # never outlive a broken test
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    name = f"obj-{i % 20}"
    payload = f"{i}:{time.time():.6f}:".encode() * 8
    started, wall = time.monotonic(), time.time()
    outcome = "ok"
    try:
        ioctx.write_full(name, payload)
        if ioctx.read(name, length=4096) != payload:
            errors += 1
            samples.append(outcome := f"{name}: read back something else")
        cluster.get_cluster_stats()                  # a monitor round trip too
        last[name] = payload.decode()
    except Exception as exc:                          # every failure counts, none stops us
        errors += 1
        samples.append(repr(exc))
        outcome = repr(exc)
    took = time.monotonic() - started
    if oplog:
        stamp = time.strftime("%H:%M:%S", time.gmtime(wall)) + f".{int(wall % 1 * 1000):03d}Z"
        oplog.write(f"{stamp} op {i} took {took:.3f}s {outcome}\n")   # UTC, as Ceph's logs
    if took > longest:
        longest, slowest = took, {"op": i, "started": wall, "took": took}
    ops += 1
    i += 1
    time.sleep(0.05)
ioctx.close()
cluster.shutdown()
if oplog:
    oplog.close()
with open(out_file, "w") as fh:
    json.dump({"ops": ops, "errors": errors, "longest_stall": longest, "slowest": slowest,
               "samples": samples[:5], "last": last}, fh)
