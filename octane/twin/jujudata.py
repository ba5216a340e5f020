"""A JUJU_DATA directory that unmodified libjuju and the ``juju`` shim read.

What libjuju needs (reference notes §1 "JUJU_DATA", python-libjuju ``jujudata.py``):

- ``controllers.yaml``: ``current-controller`` and the controller's ``uuid``,
  ``api-endpoints`` and ``ca-cert`` (the only CA libjuju trusts for it);
- ``models.yaml``: each model's uuid and type, and ``current-model``; a model missing
  here makes libjuju ask ``Controller.AllModels``;
- ``accounts.yaml``: ``user`` and ``password`` (without a password libjuju tries
  macaroons, which the twin does not serve);
- ``cookies/<controller>.json`` must exist (``[]`` is enough) or libjuju falls back to
  ``~/.go-cookies`` and fails with ``FileNotFoundError`` (notes §5.1);
- ``ssh/juju_id_rsa{,.pub}``: the client's SSH key, which the CLI creates and libjuju's
  ``Controller.add_model`` reads (``utils.read_ssh_key``) to authorise on new models.

The password is a secret: accounts.yaml is written 0600 (``octane.paths.write_private``).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from octane.paths import private_dir, write_private
from octane.twin.state.controller import ControllerState


def write(directory: Path, controller: ControllerState, *, current_model: str = "") -> Path:
    """Write (or rewrite) the JUJU_DATA files for ``controller`` into ``directory``."""
    private_dir(directory)
    hosted = [m for m in controller.models.values() if not m.is_controller]
    current = current_model or (hosted[0].name if hosted else "controller")
    controllers = {"controllers": {controller.name: {
        "uuid": controller.uuid, "api-endpoints": list(controller.api_endpoints),
        "ca-cert": controller.ca_cert, "cloud": controller.cloud,
        "region": controller.region, "type": controller.provider,
        "agent-version": "3.6.1", "controller-machine-count": 1, "machine-count": 1,
        "active-controller-machine-count": 1}},
        "current-controller": controller.name}
    models = {"controllers": {controller.name: {
        "models": {m.qualified_name: {"uuid": m.uuid, "type": "iaas", "branch": "master"}
                   for m in controller.models.values()},
        "current-model": f"admin/{current}"}}}
    accounts = {"controllers": {controller.name: {
        "user": "admin", "password": controller.users["admin"], "last-known-access":
        "superuser"}}}
    (directory / "controllers.yaml").write_text(yaml.safe_dump(controllers, sort_keys=False))
    (directory / "models.yaml").write_text(yaml.safe_dump(models, sort_keys=False))
    write_private(directory / "accounts.yaml", yaml.safe_dump(accounts, sort_keys=False))
    cookies = private_dir(directory / "cookies")
    cookie_file = cookies / f"{controller.name}.json"
    if not cookie_file.exists():
        write_private(cookie_file, "[]")
    public = client_key(directory)
    if public not in controller.ssh_keys:
        controller.ssh_keys.append(public)
    return directory


def client_key(directory: Path) -> str:
    """The client SSH key pair in ``ssh/`` (created once, RSA like Juju's); its public line."""
    key_file = directory / "ssh" / "juju_id_rsa"
    pub_file = directory / "ssh" / "juju_id_rsa.pub"
    if not key_file.exists() or not pub_file.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        write_private(key_file, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption()))
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH).decode()
        pub_file.write_text(f"{public} juju-client-key\n")
    return pub_file.read_text().strip()


def current_model(directory: Path) -> tuple[str, str]:
    """(controller, model) that ``juju`` commands use by default."""
    controllers = yaml.safe_load((directory / "controllers.yaml").read_text()) or {}
    controller = str(controllers.get("current-controller", ""))
    models = yaml.safe_load((directory / "models.yaml").read_text()) or {}
    qualified = str(models.get("controllers", {}).get(controller, {}).get("current-model", ""))
    return controller, qualified.split("/", 1)[-1]
