"""Charmhub serves every channel an upgrade moves to, with revisions growing over releases."""

from __future__ import annotations

from octane import releases
from octane.twin import build, scenario
from octane.twin.behaviours import charmhub, default_registry


def test_every_catalogued_charm_has_a_behaviour_that_publishes_it() -> None:
    registry = default_registry()
    cat = releases.catalogue()
    entries = {n: e for n in registry.names()
               if (e := registry.for_charm(n).charmhub()) is not None}
    assert sorted(cat.charms) == sorted(entries)
    subordinates = {n for n, c in cat.charms.items() if c.kind.subordinate}
    published = {n for n, e in entries.items() if e.subordinate}
    assert published == subordinates


def test_every_upgrade_target_channel_resolves() -> None:
    cat = releases.catalogue()
    missing = []
    for series in cat.supported_series:
        for current, target in zip(series.releases, series.releases[1:], strict=False):
            assert current < target
            for charm in cat.charms:
                if not cat.tracks_for(charm, series.name, target):
                    continue
                channel = cat.channel_for(charm, series.name, target)
                if charmhub.latest(charm, channel) is None:
                    missing.append(f"{charm} {channel}")
    assert missing == []


def test_revisions_grow_from_track_to_track() -> None:
    for charm in ("keystone", "ceph-osd", "ovn-chassis", "hacluster", "vault"):
        tracks = charmhub.tracks_for(charm)
        latest: list[int] = []
        for track in tracks:
            revision = charmhub.latest(charm, f"{track}/stable")
            assert revision is not None, f"{charm} {track}"
            latest.append(revision)
        assert latest == sorted(latest) and len(set(latest)) == len(latest), charm
    assert charmhub.tracks_for("ceph-mon") == ("octopus", "pacific", "quincy", "reef",
                                               "squid")
    assert charmhub.tracks_for("keystone")[:2] == ("ussuri", "victoria")
    assert charmhub.tracks_for("keystone")[-1] == "2024.1"


def test_the_twin_serves_the_behaviours_catalogue_unless_the_scenario_declares_one() -> None:
    spec = scenario.parse({"charmhub": {"glance": {"channels": {"ussuri/stable": [7]}}},
                           "models": {"m": {"machines": {"0": {}}, "applications": {
                               "keystone": {"channel": "ussuri/stable", "revision": 3,
                                            "to": ["0"]}}}}})
    ctl = build.build(spec, password="pw")
    hub = ctl.runtime.catalogue
    assert hub.charms["glance"].channels == {"ussuri/stable": [7]}
    keystone = hub.charms["keystone"].channels
    assert keystone["victoria/stable"] == list(charmhub.channels(
        "keystone", charmhub.tracks_for("keystone"))["victoria/stable"])
    assert 3 in keystone["ussuri/stable"]  # the deployed revision is there too
    assert hub.resolve("ceph-mon", "reef", "stable", None, True) == charmhub.latest(
        "ceph-mon", "reef/stable")
    assert hub.charms["hacluster"].subordinate
