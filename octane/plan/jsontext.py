"""Indented JSON text, byte for byte what ``json.dumps(obj, indent=2, ensure_ascii=False)``
writes, several times faster.

Why: the standard library falls back to its pure-Python encoder whenever ``indent`` is given,
and a plan of a 1,000-hypervisor cloud (9,000 steps, 90,000 lines) took ~0.1 s to print that
way. Saved plans and golden files keep their indented, diffable layout, so the layout stays;
this writer walks the containers itself and leaves every scalar to the C encoder's string
escaping. Anything it does not know (non-string keys, other types) goes back to the
standard library for the whole document, so the result never differs.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C implementation when available
from typing import Any


class _Unsupported(Exception):
    """A value this writer leaves to the standard library."""


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float) and value == value and value not in (float("inf"),
                                                                     float("-inf")):
        return float.__repr__(value)
    raise _Unsupported


def dumps(obj: Any, indent: int = 2) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=False)``, faster for big documents."""
    parts: list[str] = []
    append = parts.append
    pads = ["\n"]

    def pad(level: int) -> str:
        while len(pads) <= level:
            pads.append("\n" + " " * (indent * len(pads)))
        return pads[level]

    def write(value: Any, level: int) -> None:
        kind = type(value)
        if kind is str:  # most values: ids, descriptions, names
            append(encode_basestring(value))
        elif kind is dict or (kind is not list and kind is not tuple and
                              isinstance(value, dict)):
            if not value:
                append("{}")
                return
            inner = pad(level + 1)
            glue = "," + inner
            append("{")
            for i, (key, item) in enumerate(value.items()):
                if type(key) is not str:
                    raise _Unsupported
                append((glue if i else inner) + encode_basestring(key) + ": ")
                write(item, level + 1)
            append(pad(level) + "}")
        elif kind is list or kind is tuple or isinstance(value, (list, tuple)):
            if not value:
                append("[]")
                return
            inner = pad(level + 1)
            glue = "," + inner
            append("[")
            for i, item in enumerate(value):
                append(glue if i else inner)
                write(item, level + 1)
            append(pad(level) + "]")
        else:
            append(_scalar(value))

    try:
        write(obj, 0)
    except (_Unsupported, RecursionError):
        return json.dumps(obj, indent=indent, ensure_ascii=False)
    return "".join(parts)
