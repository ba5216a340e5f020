"""The ``juju`` command shim written into a twin's data dir (``<data-dir>/bin/juju``).

Runbook-style operators and tools built on jubilant shell out to ``juju``; with the
twin's ``bin`` first on PATH they reach the twin instead. The shim answers ``status``,
``models``, ``exec``, ``run``, ``config``, ``model-config`` and ``version`` in the real
CLI's formats (``cli_format.py``) by asking the twin's admin channel; it is deliberately
stdlib + PyYAML only, so it starts fast. Anything else fails with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import stat
import sys
import urllib.error
from pathlib import Path
from typing import Any

import yaml

from octane.twin import admin_client

SUPPORTED = ("status", "models", "exec", "run", "config", "model-config", "version")


def install(data_dir: Path) -> Path:
    """Write ``<data-dir>/bin/juju`` bound to this Python and this data dir."""
    bin_dir = data_dir / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "juju"
    script.write_text(
        f"#!{sys.executable}\n"
        "# The octane twin's juju shim (octane/twin/shim.py); not the real juju.\n"
        "import sys\n"
        "from octane.twin.shim import main\n"
        f"sys.exit(main(sys.argv[1:], data_dir={str(data_dir)!r}))\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


class ShimError(Exception):
    """A failure to print as ``ERROR ...`` with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class Twin:
    """The admin channel of the twin behind this shim."""

    def __init__(self, data_dir: Path) -> None:
        info_file = data_dir / "twin.json"
        try:
            info = json.loads(info_file.read_text())
        except (OSError, ValueError):
            raise ShimError(f"the octane twin in {data_dir} is not running") from None
        self.base = f"http://{info['host']}:{info['ports']['admin']}"
        self.token = str(info["token"])
        self.juju_data = Path(os.environ.get("JUJU_DATA") or info["juju_data"])

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             query: dict[str, str] | None = None, timeout: float = 330) -> Any:
        """One admin request; an error answer becomes :class:`ShimError`."""
        try:
            return admin_client.request(self.base, self.token, method, path, body, query,
                                        timeout)
        except urllib.error.HTTPError as exc:
            try:
                doc = json.loads(exc.read())
            except ValueError:
                doc = {"error": str(exc)}
            code = f" ({doc['code']})" if doc.get("code") else ""
            raise ShimError(f"{doc.get('error')}{code}") from None
        except OSError as exc:
            raise ShimError(f"cannot reach the octane twin: {exc}") from None

    def current_model(self) -> str:
        """``admin/<model>`` from JUJU_DATA's models.yaml."""
        controllers = yaml.safe_load((self.juju_data / "controllers.yaml").read_text())
        models = yaml.safe_load((self.juju_data / "models.yaml").read_text())
        controller = controllers["current-controller"]
        return str(models["controllers"][controller]["current-model"])


def seconds(text: str) -> float:
    """``5m``, ``30s``, ``1m30s``, ``250ms`` or a plain number of seconds."""
    if re.fullmatch(r"[0-9.]+", text):
        return float(text)
    total = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ms|h|m|s)", text):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def emit(doc: Any, fmt: str) -> None:
    """Print ``doc`` as the CLI would in ``fmt``."""
    if fmt == "json":
        sys.stdout.write(json.dumps(doc) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(doc, sort_keys=True, default_flow_style=False))


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"juju {command}", add_help=False)
    parser.add_argument("-m", "--model", default="")
    parser.add_argument("--format", "-o", default="")
    return parser


def cmd_status(twin: Twin, argv: list[str]) -> int:
    """``juju status``."""
    parser = _parser("status")
    parser.add_argument("--relations", action="store_true")
    parser.add_argument("patterns", nargs="*")
    args = parser.parse_args(argv)
    doc = twin.call("GET", "/cli/status", query={"model": args.model or twin.current_model()})
    if args.format in ("json", "yaml"):
        emit(doc, args.format)
    else:
        sys.stdout.write(tabular(doc))
    return 0


def _table(rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell and two spaces apart, as the juju CLI prints."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def tabular(doc: dict[str, Any]) -> str:
    """A compact version of the CLI's default table (model, applications, units)."""
    m = doc["model"]
    lines = _table([["Model", "Controller", "Cloud/Region", "Version"],
                    [m["name"], m["controller"], f"{m['cloud']}/{m['region']}", m["version"]]])
    apps = [["App", "Version", "Status", "Charm", "Channel", "Rev"]]
    for name, app in doc["applications"].items():
        apps.append([name, str(app.get("version", "")),
                     app["application-status"]["current"], app["charm-name"],
                     app["charm-channel"], str(app["charm-rev"])])
    units = [["Unit", "Workload", "Agent", "Machine", "Message"]]
    for app in doc["applications"].values():
        for unit, u in (app.get("units") or {}).items():
            units.append([unit, u["workload-status"]["current"], u["juju-status"]["current"],
                          str(u.get("machine", "")), u["workload-status"].get("message", "")])
    return "\n".join([*lines, "", *_table(apps), "", *_table(units)]) + "\n"


def cmd_models(twin: Twin, argv: list[str]) -> int:
    """``juju models``."""
    args = _parser("models").parse_args(argv)
    current = twin.current_model().split("/")[-1]
    doc = twin.call("GET", "/cli/models", query={"current": current})
    if args.format in ("json", "yaml"):
        emit(doc, args.format)
    else:
        for model in doc["models"]:
            star = "*" if model["short-name"] == current else ""
            sys.stdout.write(f"{model['short-name']}{star}  {model['cloud']}/"
                             f"{model['region']}  {model['status']['current']}\n")
    return 0


def _tasks(doc: dict[str, Any], fmt: str) -> int:
    results = doc["results"]
    if fmt in ("json", "yaml"):
        emit(results, fmt)
    elif len(results) == 1:
        task = next(iter(results.values()))
        sys.stdout.write(str(task["results"].get("stdout", "")))
        sys.stderr.write(str(task["results"].get("stderr", "")))
    else:
        emit(results, "yaml")
    if doc.get("stderr"):
        sys.stderr.write(str(doc["stderr"]))
    return int(doc.get("exit", 0))


def cmd_exec(twin: Twin, argv: list[str]) -> int:
    """``juju exec --unit|--machine|--application ... -- command``."""
    parser = _parser("exec")
    parser.add_argument("--unit", "-u", action="append", default=[])
    parser.add_argument("--machine", action="append", default=[])
    parser.add_argument("--application", "-a", action="append", default=[])
    parser.add_argument("--wait", default="5m")
    parser.add_argument("--timeout", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    words = [w for w in args.command if w != "--"]
    if not words:
        raise ShimError("no commands specified", 2)
    def split(items: list[str]) -> list[str]:
        return [x for item in items for x in item.split(",") if x]
    doc = twin.call("POST", "/cli/exec", {
        "model": args.model or twin.current_model(), "command": " ".join(words),
        "units": split(args.unit), "machines": split(args.machine),
        "applications": split(args.application), "wait": seconds(args.wait),
        "timeout": seconds(args.timeout) if args.timeout else None})
    return _tasks(doc, args.format)


def _cli_value(text: str) -> Any:
    """A ``key=value`` word as the juju CLI types it: YAML scalars, but a date stays text.

    The CLI decodes values with Go's YAML into untyped values, where ``2000-01-02`` is a
    string (the charm's schema then checks it); PyYAML would make it a ``date`` object.
    """
    if not text:
        return ""
    value = yaml.safe_load(text)
    return text if isinstance(value, (datetime.date, datetime.datetime)) else value


def cmd_run(twin: Twin, argv: list[str]) -> int:
    """``juju run <unit> <action> [k=v ...] [--params file]``."""
    parser = _parser("run")
    parser.add_argument("--wait", default="60s")
    parser.add_argument("--params", default="")
    parser.add_argument("--background", action="store_true")
    parser.add_argument("words", nargs="+")
    args = parser.parse_args(argv)
    units = [w for w in args.words if "/" in w and "=" not in w]
    rest = [w for w in args.words if w not in units]
    if not units or not rest:
        raise ShimError("juju run needs a unit and an action", 2)
    action, pairs = rest[0], rest[1:]
    params: dict[str, Any] = {}
    if args.params:
        params.update(yaml.safe_load(Path(args.params).read_text()) or {})
    for pair in pairs:
        key, _, value = pair.partition("=")
        params[key] = _cli_value(value)
    status = 0
    merged: dict[str, Any] = {"results": {}, "stderr": "", "exit": 0}
    for unit in units:
        doc = twin.call("POST", "/cli/run", {"model": args.model or twin.current_model(),
                                             "unit": unit, "action": action, "params": params,
                                             "wait": seconds(args.wait)})
        merged["results"].update(doc["results"])
        merged["stderr"] += doc.get("stderr", "")
        merged["exit"] = max(merged["exit"], doc.get("exit", 0))
    if args.format not in ("json", "yaml") and len(merged["results"]) == 1:
        task = next(iter(merged["results"].values()))
        shown = {k: v for k, v in task["results"].items() if k != "return-code"}
        if shown:
            emit(shown, "yaml")
        if merged["stderr"]:
            sys.stderr.write(merged["stderr"])
        status = merged["exit"]
    else:
        status = _tasks(merged, args.format or "yaml")
    return status


def cmd_config(twin: Twin, argv: list[str]) -> int:
    """``juju config <app> [k=v ...] [--reset k,...]``."""
    parser = _parser("config")
    parser.add_argument("--reset", action="append", default=[])
    parser.add_argument("application")
    parser.add_argument("pairs", nargs="*")
    args = parser.parse_args(argv)
    model = args.model or twin.current_model()
    keys = [p for p in args.pairs if "=" not in p]
    values = dict(p.split("=", 1) for p in args.pairs if "=" in p)
    resets = [k for item in args.reset for k in item.split(",") if k]
    if values or resets:
        twin.call("POST", "/cli/config", {"model": model, "application": args.application,
                                          "values": values, "reset": resets})
        return 0
    doc = twin.call("GET", "/cli/config", query={"model": model,
                                                "application": args.application})
    if len(keys) == 1:
        value = doc["settings"].get(keys[0], {}).get("value", "")
        sys.stdout.write(f"{str(value).lower() if isinstance(value, bool) else value}\n")
        return 0
    emit(doc, args.format if args.format in ("json", "yaml") else "yaml")
    return 0


def cmd_model_config(twin: Twin, argv: list[str]) -> int:
    """``juju model-config``."""
    args = _parser("model-config").parse_args(argv)
    doc = twin.call("GET", "/cli/model-config",
                    query={"model": args.model or twin.current_model()})
    emit(doc, args.format if args.format in ("json", "yaml") else "yaml")
    return 0


def cmd_version(twin: Twin | None, argv: list[str]) -> int:
    """``juju version``."""
    args = _parser("version").parse_args([a for a in argv if a != "--all"])
    doc: dict[str, Any] = {"version": "3.6.1-genericlinux-amd64", "git-commit": "octane-twin",
           "git-tree-state": "clean", "compiler": "gc", "go-version": "go1.23",
           "official": False}
    if args.format == "json":
        emit(doc, "json")
    else:
        sys.stdout.write(doc["version"] + "\n")
    return 0


def main(argv: list[str], data_dir: str) -> int:
    """Entry point of ``<data-dir>/bin/juju``."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(f"octane twin juju shim; commands: {', '.join(SUPPORTED)}\n")
        return 0
    command, rest = argv[0], argv[1:]
    handlers = {"status": cmd_status, "models": cmd_models, "exec": cmd_exec,
                "run": cmd_run, "config": cmd_config, "model-config": cmd_model_config}
    try:
        if command == "version":
            return cmd_version(None, rest)
        if command not in handlers:
            raise ShimError(f'juju {command} is not supported by the octane twin shim '
                            f'(supported: {", ".join(SUPPORTED)})', 2)
        return handlers[command](Twin(Path(data_dir)), rest)
    except ShimError as exc:
        sys.stderr.write(f"ERROR {exc}\n")
        return exc.status
