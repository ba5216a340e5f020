"""A librados client that keeps writing and reading objects until a stop file appears.

Run with Debian's /usr/bin/python3 (python3-rados exists only for that interpreter, not for
the project's venv). Writes a JSON summary: operations, data-path errors (a write or a read
that failed or read back something else: what a VM's disk would see), monitor-operation
errors (``get_cluster_stats``, a round trip to the monitors each iteration) kept apart with
their times, whether a monitor operation succeeded after the last such error, the longest
write and read (the stall a VM's disk would see during an election) and the longest monitor
operation, the operations over a second, and the last payload of each object, which the test
reads back through a fresh client.

Why the two kinds are counted apart: librados (Pacific, measured here) can lose a monitor
operation that is in flight at the moment its monitor leaves the monmap and exits -- the
op then ends with ``rados_mon_op_timeout`` (60 s here) although the cluster has a quorum
again within a second. The data path to the OSDs is not affected. See docs/ceph.md,
"Clients during the hand-over".
"""

import json
import os
import sys
import time

import rados

conf, pool, stop_file, ready_file, out_file = sys.argv[1:6]
extra = json.loads(os.environ.get("OCTANE_RADOS_CONF", "{}"))  # e.g. client debug logging
cluster = rados.Rados(conffile=conf, conf={"rados_osd_op_timeout": "60",
                                           "rados_mon_op_timeout": "60", **extra})
cluster.connect(timeout=30)
ioctx = cluster.open_ioctx(pool)
ops = errors = mon_errors = 0
mon_ok_after_error = True
longest = longest_mon = 0.0
samples: list[str] = []
slow: list[str] = []                                  # operations over a second, timestamped
last: dict[str, str] = {}
i = 0
open(ready_file, "w").close()
deadline = time.monotonic() + 600                    # never outlive a broken test
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    name = f"obj-{i % 20}"
    payload = f"{i}:{time.time():.6f}:".encode() * 8
    started = time.monotonic()
    phase = "write"
    try:
        ioctx.write_full(name, payload)
        phase = "read"
        if ioctx.read(name, length=4096) == payload:
            last[name] = payload.decode()
        else:
            errors += 1
            samples.append(f"{name}: read back something else")
    except Exception as exc:                          # every failure counts, none stops us
        errors += 1
        samples.append(f"{time.time():.3f} {phase}: {exc!r}")
    io_took = time.monotonic() - started
    try:
        cluster.get_cluster_stats()                  # a monitor round trip too
        mon_ok_after_error = True
    except Exception as exc:
        mon_errors += 1
        mon_ok_after_error = False
        samples.append(f"{time.time():.3f} stats: {exc!r}")
    mon_took = time.monotonic() - started - io_took
    for what, took in (("write+read", io_took), ("stats", mon_took)):
        if took > 1.0:
            slow.append(f"{time.time() - took:.3f}+{took:.2f}s {what}")
    longest = max(longest, io_took)
    longest_mon = max(longest_mon, mon_took)
    ops += 1
    i += 1
    time.sleep(0.05)
if not mon_ok_after_error:          # the stop came while a lost op was timing out: ask again
    try:
        cluster.get_cluster_stats()
        mon_ok_after_error = True
    except Exception as exc:
        samples.append(f"{time.time():.3f} stats after the stop: {exc!r}")
ioctx.close()
cluster.shutdown()
with open(out_file, "w") as fh:
    json.dump({"ops": ops, "errors": errors, "mon_errors": mon_errors,
               "mon_ok_after_error": mon_ok_after_error, "longest_stall": longest,
               "longest_mon_op": longest_mon,
               "samples": samples[:5], "slow": slow[:20], "last": last}, fh)
