"""octane: upgrade Juju-deployed Charmed OpenStack clouds to the next release.

The package layout follows ../DESIGN.md: `commands` drive `plan` and `engine`; `plan`
builds on `apps`, `cloud` and `releases`; the ports (`juju`, `openstack`, `db`, `ceph`,
`ssh`) are the only modules that touch the outside world; `twin` is a simulated cloud.
"""

__version__ = "0.1.0"
