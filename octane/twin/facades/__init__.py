"""The facades the twin serves, listed explicitly (routing as data, no import side effects).

The advertised set and versions are those a Juju 3.6 controller advertised to libjuju in
the reference transcript (``juju-api-transcript.log``: Admin.Login ``facades``), plus
SSHClient 4, which octane's ssh port uses and libjuju 3.6 negotiates. Every version
listed is served.
"""

from __future__ import annotations

from octane.twin.facades import (
    action,
    admin,
    allwatcher,
    application,
    applicationoffers,
    backups,
    block,
    charms,
    client,
    cloud,
    controller,
    keymanager,
    machinemanager,
    modelconfig,
    modelmanager,
    pinger,
    resources,
    spaces,
    sshclient,
    storage,
    usermanager,
)
from octane.twin.facades import annotation as annotations_facade
from octane.twin.facades import bundle as bundle_facade
from octane.twin.facades import secrets as secrets_facade
from octane.twin.wire.routing import Facade


def all_facades() -> list[Facade]:
    """Every facade of the twin's API."""
    return [
        action.FACADE, admin.FACADE, allwatcher.FACADE, allwatcher.MODELS_FACADE,
        annotations_facade.FACADE, application.FACADE, applicationoffers.FACADE,
        backups.FACADE, block.FACADE, bundle_facade.FACADE, charms.FACADE, client.FACADE,
        cloud.FACADE, controller.FACADE, keymanager.FACADE, machinemanager.FACADE,
        modelconfig.FACADE, modelmanager.FACADE, pinger.FACADE, resources.FACADE,
        secrets_facade.FACADE, spaces.FACADE, sshclient.FACADE, storage.FACADE,
        usermanager.FACADE,
    ]
