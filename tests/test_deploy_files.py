"""deploy/: the container images, the single-host compose file and the Kubernetes manifests.
Docker and kubectl cannot run on this machine, so the files are linted with maintained tools
(hadolint, yamllint, kubernetes-validate) and checked for the topology docs/deploy.md describes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)


def _k8s() -> dict[tuple[str, str], dict]:
    found = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def test_dockerfiles_pass_hadolint():
    files = sorted(str(p) for p in (DEPLOY / "docker").glob("*.Dockerfile"))
    assert len(files) == 3  # Rasa, the action server, the gateway
    result = _run(str(BIN / "hadolint"), "--no-color", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_yaml_passes_yamllint():
    result = _run(str(BIN / "yamllint"), "--strict", "-c", str(DEPLOY / ".yamllint"), str(DEPLOY))
    assert result.returncode == 0, result.stdout + result.stderr


def test_manifests_are_valid_kubernetes():
    files = sorted(str(p) for p in (DEPLOY / "k8s").glob("*.yaml"))
    result = _run(str(BIN / "kubernetes-validate"), "--strict", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cluster_topology():
    k8s = _k8s()
    gateway = k8s[("Deployment", "gateway")]["spec"]["template"]["spec"]["containers"][0]
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert k8s[("Deployment", "rasa")]["spec"]["replicas"] >= 2
    assert k8s[("StatefulSet", "actions")]["spec"]["replicas"] >= 2
    endpoints = yaml.safe_load(k8s[("ConfigMap", "rasa-endpoints")]["data"]["endpoints.yml"])
    assert endpoints["tracker_store"]["dialect"] == "postgresql" and endpoints["lock_store"]["type"] == "redis"
    job = k8s[("CronJob", "local-offer-index")]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert job["containers"][0]["command"][:4] == ["python", "-m", "ingest", "build"]
    for kind, name in (("Deployment", "gateway"), ("StatefulSet", "actions")):
        mounts = k8s[(kind, name)]["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        assert {"name": "index", "mountPath": "/index", "readOnly": True} in mounts


def test_compose_file_matches_the_cluster():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "index", "gateway", "rasa-1", "rasa-2", "actions-1", "actions-2"} <= set(services)
    assert services["gateway"]["environment"]["GATEWAY_RASA_URL"] == "http://rasa-1:5005,http://rasa-2:5005"
    for name, service in services.items():
        build = service.get("build")
        if build:
            assert (REPO_ROOT / build["dockerfile"]).is_file(), name
    endpoints = yaml.safe_load((DEPLOY / "rasa-endpoints.yml").read_text())
    assert endpoints["lock_store"]["type"] == "redis" and endpoints["tracker_store"]["dialect"] == "postgresql"
