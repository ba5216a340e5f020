"""Microversions: what each release's Nova and Cinder accept, and how a request picks one.

openstacksdk asks for ``min(what the resource class knows, what discovery advertised)``
(``Resource._get_microversion``), so the maximum the twin advertises decides which code
path the SDK takes: before 2.53 compute services are enabled with ``PUT
/os-services/disable``, from 2.53 with ``PUT /os-services/{uuid}``; from 2.88 hypervisors no
longer report ``running_vms``. Advertising a release's real maximum keeps octane honest on
both sides of those lines.

Maxima follow the "REST API Version History" pages of Nova and Cinder ("Maximum in
<release>" markers). Cinder's column and Nova's ussuri/victoria value were checked against
those pages; Nova's later values are from the release notes as we know them and should be
re-checked when a release's behaviour starts to matter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from octane.twin.openstack.errors import ApiError

# release -> (nova maximum, cinder maximum)
RELEASE_MAXIMA: dict[str, tuple[str, str]] = {
    "ussuri": ("2.87", "3.60"),
    "victoria": ("2.87", "3.62"),
    "wallaby": ("2.88", "3.64"),
    "xena": ("2.90", "3.66"),
    "yoga": ("2.90", "3.68"),
    "zed": ("2.93", "3.70"),
    "antelope": ("2.95", "3.70"),
    "bobcat": ("2.95", "3.70"),
    "caracal": ("2.96", "3.71"),
}
DEFAULT_RELEASE = "ussuri"
NOVA_MIN = "2.1"
CINDER_MIN = "3.0"

_VERSION = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


@dataclass(frozen=True, order=True)
class Microversion:
    """A ``major.minor`` API version, ordered numerically (2.9 < 2.53)."""

    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> Microversion:
        """Parse ``"2.53"``; a malformed string is the 400 Nova sends for it."""
        match = _VERSION.match(text.strip())
        if not match:
            raise ApiError(400, f"API Version String {text} is of invalid format. "
                                "Must be of format MajorNum.MinorNum.")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def at_least(self, text: str) -> bool:
        """Whether this version is ``text`` or newer (``mv.at_least("2.53")``)."""
        return self >= Microversion.parse(text)


@dataclass(frozen=True)
class Versions:
    """The microversion ranges the twin's Nova and Cinder advertise and accept."""

    release: str
    nova_max: Microversion
    cinder_max: Microversion

    @classmethod
    def for_release(cls, release: str | None) -> Versions:
        """The ranges of ``release`` (an OpenStack codename); ``None`` means ussuri."""
        name = (release or DEFAULT_RELEASE).lower()
        if name not in RELEASE_MAXIMA:
            known = ", ".join(RELEASE_MAXIMA)
            raise ValueError(f"unknown OpenStack release '{release}' (known: {known})")
        nova, cinder = RELEASE_MAXIMA[name]
        return cls(name, Microversion.parse(nova), Microversion.parse(cinder))


def requested(headers: Mapping[str, str], service: str, legacy: str | None,
              minimum: Microversion, maximum: Microversion) -> Microversion:
    """The microversion a request asked for, checked against ``minimum``..``maximum``.

    ``OpenStack-API-Version: <service> <version>`` wins over the legacy header (Nova's
    ``X-OpenStack-Nova-API-Version``); no header means the minimum; ``latest`` the maximum;
    outside the range is the 406 the real services send.
    """
    text: str | None = None
    for part in headers.get("OpenStack-API-Version", "").split(","):
        words = part.split()
        if len(words) == 2 and words[0].lower() == service:
            text = words[1]
    if text is None and legacy:
        text = headers.get(legacy)
    if not text:
        return minimum
    if text.strip().lower() == "latest":
        return maximum
    version = Microversion.parse(text)
    if not minimum <= version <= maximum:
        raise ApiError(406, f"Version {version} is not supported by the API. "
                            f"Minimum is {minimum} and maximum is {maximum}.")
    return version
