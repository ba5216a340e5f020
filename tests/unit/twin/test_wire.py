"""The wire layer: parameters, routing, advertised facades, certificates."""

from __future__ import annotations

import re
from pathlib import Path

import juju.client
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from octane.twin.errors import ApiError
from octane.twin.facades import all_facades
from octane.twin.shim import seconds
from octane.twin.wire import tls
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Router, bulk

#: Facades and versions a 3.6 controller advertised in the reference transcript
#: (../shared/reference/juju-api-transcript.log), plus SSHClient 4.
TRANSCRIPT = {
    "Action": [7], "Admin": [3], "AllModelWatcher": [4], "AllWatcher": [3],
    "Annotations": [2], "Application": [19, 20], "ApplicationOffers": [4, 5],
    "Backups": [3], "Block": [2], "Bundle": [6], "Charms": [5, 6, 7], "Client": [6, 7, 8],
    "Cloud": [7], "Controller": [11, 12], "KeyManager": [1], "MachineManager": [10],
    "ModelConfig": [3], "ModelManager": [9, 10], "Pinger": [1], "Resources": [3],
    "Secrets": [1, 2], "Spaces": [6], "Storage": [6], "UserManager": [3], "SSHClient": [4],
}

#: Methods libjuju knows that the twin deliberately does not serve (documented gaps in
#: docs/twin.md): controller administration, migrations, credentials and clouds.
NOT_SERVED = {
    "Action.WatchActionsProgress", "Application.SetMetricCredentials",
    "Cloud.AddCloud", "Cloud.AddCredentials", "Cloud.CheckCredentialsModels",
    "Cloud.CredentialContents", "Cloud.InstanceTypes", "Cloud.ModifyCloudAccess",
    "Cloud.RemoveClouds", "Cloud.RevokeCredentialsCheckModels", "Cloud.UpdateCloud",
    "Controller.CloudSpec", "Controller.ConfigSet", "Controller.DashboardConnectionInfo",
    "Controller.DestroyController", "Controller.GetCloudSpec", "Controller.InitiateMigration",
    "Controller.ModifyControllerAccess", "Controller.MongoVersion", "Controller.RemoveBlocks",
    "Controller.WatchAllModelSummaries", "Controller.WatchCloudSpecsChanges",
    "Controller.WatchModelSummaries", "MachineManager.ProvisioningScript",
    "ModelManager.ChangeModelCredential", "ModelManager.DumpModels",
    "ModelManager.DumpModelsDB", "ModelManager.SetModelDefaults",
    "ModelManager.UnsetModelDefaults",
}


def test_params_match_keys_like_go() -> None:
    params = Params({"Args": [{"Application": "k"}], "Id": "3", "x": None})
    assert params.objs("args")[0].text("application") == "k"
    assert params.text("id") == "3"
    assert params.text("x", "default") == "default"
    assert params.seq("missing") == [] and params.num("id") == 3


def test_advertised_facades_are_the_transcript_s() -> None:
    router = Router(all_facades())
    assert {f["name"]: f["versions"] for f in router.advertised()} == TRANSCRIPT


def test_every_advertised_version_serves_libjuju_s_methods() -> None:
    """For each advertised version libjuju has a client for, its methods are served."""
    base = Path(juju.client.__file__).parent
    missing = set()
    served = {f.name: f for f in all_facades()}
    for path in base.glob("_client*.py"):
        source = path.read_text()
        for m in re.finditer(r'class (\w+)Facade\(Type\):\n    name = "(\w+)"\n'
                             r'    version = (\d+)\n', source):
            name, version = m.group(2), int(m.group(3))
            if name not in served or version not in served[name].versions:
                continue
            end = source.find("\nclass ", m.end())
            for method in re.findall(r"async def (\w+)\(", source[m.end():end]):
                if method != "rpc" and served[name].method(method, version) is None:
                    missing.add(f"{name}.{method}")
    assert missing == NOT_SERVED


def test_routing_errors_are_juju_s() -> None:
    router = Router(all_facades())

    def lookup(facade: str, version: int, method: str, controller: bool = False,
               logged_in: bool = True) -> ApiError:
        with pytest.raises(ApiError) as caught:
            router.lookup(facade, version, method, controller_only=controller,
                          logged_in=logged_in)
        return caught.value

    assert lookup("Nope", 1, "X").message == 'unknown object type "Nope"'
    assert lookup("Client", 5, "FullStatus").message == \
        'unknown version (5) of interface "Client"'
    error = lookup("Client", 8, "FindTools")
    assert (error.message, error.code) == (
        "no such request - method Client(8).FindTools is not implemented", "not implemented")
    assert lookup("Client", 8, "FullStatus", controller=True).code == "not supported"
    assert lookup("ModelManager", 10, "ModelInfo").code == "not supported"
    assert lookup("Client", 8, "FullStatus", logged_in=False).code == "unauthorized access"
    router.lookup("Client", 7, "FindTools", controller_only=False, logged_in=True)  # served


def test_bulk_reports_errors_per_item() -> None:
    def one(item: int) -> dict[str, int]:
        if item < 0:
            raise ApiError("negative", "not valid")
        return {"value": item}
    assert bulk([1, -1], one) == {"results": [
        {"value": 1}, {"error": {"message": "negative", "code": "not valid"}}]}


def test_certificates_look_like_a_controller_s() -> None:
    certs = tls.generate()
    ca = x509.load_pem_x509_certificate(certs.ca_cert.encode())
    leaf = x509.load_pem_x509_certificate(certs.server_cert.encode())
    ca_key = ca.public_key()
    assert isinstance(ca_key, ec.EllipticCurvePublicKey)
    assert ca_key.curve.name == "secp256r1"
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"localhost", "juju-apiserver", "juju-mongodb", "anything"} <= set(
        names.get_values_for_type(x509.DNSName))
    leaf.verify_directly_issued_by(ca)


@pytest.mark.parametrize(("text", "value"), [("5m", 300), ("30s", 30), ("1m30s", 90),
                                             ("250ms", 0.25), ("12", 12), ("1h", 3600)])
def test_shim_durations(text: str, value: float) -> None:
    assert seconds(text) == pytest.approx(value)
