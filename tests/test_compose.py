"""docker-compose.yml: local ports only, pinned images, a read-only Oxigraph, no open APOC."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def test_ports_are_published_on_the_loopback_interface_only(services):
    published = [(name, port) for name, service in services.items() for port in service.get("ports", [])]
    assert published
    for name, port in published:
        host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).rsplit(":", 2)[0]
        assert host_ip == "127.0.0.1", f"{name} publishes {port} beyond this machine"


def test_images_are_pinned_to_exact_versions(services):
    for name, service in services.items():
        image, _, tag = service["image"].partition("@")[0].rpartition(":")
        assert image and re.fullmatch(r"v?\d+\.\d+\.\d+(-community)?", tag), f"{name}: {service['image']}"


def test_oxigraph_serves_the_store_read_only(services):
    oxigraph = services["oxigraph"]
    command = oxigraph["command"] if isinstance(oxigraph["command"], list) else oxigraph["command"].split()
    assert command[0] == "serve-read-only" and "serve" not in command[1:]
    assert all(str(volume).endswith(":ro") for volume in oxigraph["volumes"])


def test_neo4j_allows_no_more_apoc_than_kg_calls(services):
    used = set()
    for path in [ROOT / "kg" / "stores" / "neo4j_loader.py", *sorted((ROOT / "kg" / "data" / "queries").glob("*.cypher"))]:
        used |= set(re.findall(r"apoc\.[\w.]+", path.read_text(encoding="utf-8")))
    environment = {key: str(value) for key, value in services["neo4j"].get("environment", {}).items()}
    assert not any("unrestricted" in key.lower() for key in environment)
    allowed = environment.get("NEO4J_dbms_security_procedures_allowlist", "")
    if used:
        assert set(allowed.split(",")) == used and "*" not in allowed
    else:  # no procedure called: no plugin installed
        assert "apoc" not in " ".join(environment).lower() + " ".join(environment.values()).lower()
