from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


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


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """A build of the four seed pages, shared by the tests that need the real corpus."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("the shared seed pages are not beside this checkout")
    out = tmp_path_factory.mktemp("seeds") / "graph"
    result = CliRunner().invoke(main, ["build", str(path), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out
