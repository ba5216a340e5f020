"""The twin: a simulated Charmed OpenStack cloud speaking the real Juju and OpenStack APIs.

Laid out like a moto service (docs/twin.md):

- ``state/``      controller → models → machines, applications, units, relations, offers,
                  actions; the rules that change them; the change log; the clock-driven
                  agent activity;
- ``wire/``       TLS websockets, JSON-RPC envelopes, routing as data, parameters;
- ``facades/``    one module per Juju facade (parse → call the state → shape the result);
- ``behaviours/`` what charms do (workload versions, hooks, actions, exec answers);
- ``admin.py``    the admin side channel (faults, clock, state, recordings);
- ``shim.py``     the ``juju`` CLI shim; ``scenario.py`` scenario files;
- ``server.py``   the process; ``testing.py`` the pytest fixture.

It imports nothing from octane except ``octane.releases``, ``octane.paths`` and
``octane.errors``.
"""
