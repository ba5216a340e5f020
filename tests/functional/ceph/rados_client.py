"""A librados client that keeps writing and reading objects until a stop file appears.

Run with Debian's /usr/bin/python3 (python3-rados exists only for that interpreter, not for
the project's venv). Writes a JSON summary: operations, errors, the longest single operation
(the stall a VM's disk would see during an election) and the last payload of each object,
which the test reads back through a fresh client.
"""

import json
import os
import sys
import time

import rados

conf, pool, stop_file, ready_file, out_file = sys.argv[1:6]
cluster = rados.Rados(conffile=conf, conf={"rados_osd_op_timeout": "60",
                                           "rados_mon_op_timeout": "60"})
cluster.connect(timeout=30)
ioctx = cluster.open_ioctx(pool)
ops = errors = 0
longest = 0.0
samples: list[str] = []
last: dict[str, str] = {}
i = 0
open(ready_file, "w").close()
deadline = time.monotonic() + 600                    # never outlive a broken test
while not os.path.exists(stop_file) and time.monotonic() < deadline:
    name = f"obj-{i % 20}"
    payload = f"{i}:{time.time():.6f}:".encode() * 8
    started = time.monotonic()
    try:
        ioctx.write_full(name, payload)
        if ioctx.read(name, length=4096) != payload:
            errors += 1
            samples.append(f"{name}: read back something else")
        cluster.get_cluster_stats()                  # a monitor round trip too
        last[name] = payload.decode()
    except Exception as exc:                          # every failure counts, none stops us
        errors += 1
        samples.append(repr(exc))
    longest = max(longest, time.monotonic() - started)
    ops += 1
    i += 1
    time.sleep(0.05)
ioctx.close()
cluster.shutdown()
with open(out_file, "w") as fh:
    json.dump({"ops": ops, "errors": errors, "longest_stall": longest,
               "samples": samples[:5], "last": last}, fh)
