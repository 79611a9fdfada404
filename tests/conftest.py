from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
# 28 medical-imaging abstracts written for the tests: every library query answers on their build.
CORPUS = FIXTURES / "corpus.jsonl"
# The 7 papers of three ingest fixtures (arXiv XML, PubMed XML, JSON Lines).
SMALL_INPUTS = [FIXTURES / "ingest" / name for name in ("arxiv.xml", "pubmed.xml", "papers.jsonl")]


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (minutes, not seconds)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with pytest --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the whole test process (starting one takes a second), with
    the page of the test that used it last."""
    from headless_browser import Browser

    with Browser(tmp_path_factory.mktemp("chromium-profile")) as running:
        yield running


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seeds() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("the shared seed pages are not beside this checkout")
    return path


@pytest.fixture
def run_kg():
    """Run the `kg` command line in-process; returns click's Result (stdout, stderr, exit_code)."""

    def run(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_with_cli(inputs: list[Path], out: Path, *options: str) -> Path:
    """`kg build INPUTS --out OUT [OPTIONS]` in-process; returns OUT."""
    result = CliRunner().invoke(main, ["build", *map(str, inputs), "--out", str(out), *options], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


def shared_build(tmp_path_factory, name: str, inputs: list[Path], *options: str) -> Path:
    """A build made once for the whole run: the first test process (of pytest -n) to need it
    builds it under a lock, and the others read the same folder."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the folder all the workers' temporary folders share
    out = root / f"shared-{name}" / "graph"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.exists():
            build_with_cli(inputs, out, *options)
    return out


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> Path:
    """The build of the test corpus, made once for the whole run. Read it; copy it
    (shutil.copytree) before changing it."""
    return shared_build(tmp_path_factory, "corpus", [CORPUS])


@pytest.fixture(scope="session")
def small_store(tmp_path_factory) -> Path:
    """The build of the 7 papers of SMALL_INPUTS, made once for the whole run; copy it before
    changing it."""
    return shared_build(tmp_path_factory, "small", SMALL_INPUTS)


@pytest.fixture(scope="session")
def neo4j_export_store(tmp_path_factory) -> Path:
    """The build of SMALL_INPUTS with one file export, the neo4j-admin CSVs (so no GraphML),
    made once for the whole run."""
    return shared_build(tmp_path_factory, "neo4j-export", SMALL_INPUTS, "--exports", "neo4j")


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """A build of the four seed pages, for the extra tests that need the real corpus."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("the shared seed pages are not beside this checkout")
    return shared_build(tmp_path_factory, "seeds", [path])
