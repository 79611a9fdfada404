"""What `kg build --out DIR` may replace, and how: only a build or an empty folder, never an
input or the current folder; the folder's own papers are kept whatever the new input is; at
every instant DIR is the old build or the new one; a killed build leaves nothing behind; and
any folder name works."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, read_jsonl
from kg.cli import main

PAPERS = FIXTURES / "ingest" / "papers.jsonl"  # 3 papers
REFS = FIXTURES / "ingest" / "refs.bib"  # 3 more, in BibTeX
EXTRA = {"id": "X1", "title": "LungFormer for chest X-ray classification",
         "abstract": "We propose LungFormer, a new model. LungFormer reaches an AUC of 0.91 on CheXpert for pneumonia."}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A build of the 3 papers, copied by the tests that change it."""
    out = tmp_path_factory.mktemp("safety") / "graph"
    result = CliRunner().invoke(main, ["build", str(PAPERS), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def no_analysis(monkeypatch):
    """Fail the test if the build starts reading its input."""
    def started(*args, **kwargs):
        raise AssertionError("the build started before refusing")

    monkeypatch.setattr("kg.build.read_papers", started)


def files_of(folder):
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def dot_folders(parent):
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


def one_error_line(result):
    return result.exit_code == 1 and result.stderr.count("\n") == 1 and result.stderr.startswith("kg: error: ")


def test_the_manifest_says_the_folder_is_a_kg_build(built):
    assert json.loads((built / "manifest.json").read_text())["kind"] == "kg build"


def test_a_folder_that_is_not_a_build_is_refused_before_the_build_starts(run_kg, tmp_path, no_analysis):
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "thesis.tex").write_text("draft\n")
    result = run_kg("build", PAPERS, "--out", victim)
    assert one_error_line(result) and f"--out {victim}: is not a kg build" in result.stderr
    assert files_of(victim) == {"thesis.tex": b"draft\n"} and (victim / "sub").is_dir()
    assert dot_folders(tmp_path) == []


@pytest.mark.parametrize("inputs, out, message", [
    ("inputs", "inputs", "is the input inputs"),
    ("inputs", "inputs/graph", "is inside the input inputs"),
    ("graph/papers.jsonl", "graph", "holds the input graph/papers.jsonl"),
    ("inputs", ".", "is the current folder"),
])
def test_an_out_folder_that_is_an_input_or_the_current_folder_is_refused(
        run_kg, built, tmp_path, monkeypatch, no_analysis, inputs, out, message):
    shutil.copytree(PAPERS.parent, tmp_path / "inputs")
    shutil.copytree(built, tmp_path / "graph")
    before = files_of(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_kg("build", inputs, "--out", out)
    assert one_error_line(result) and f"--out {out}: {message}" in result.stderr
    assert files_of(tmp_path) == before and dot_folders(tmp_path) == []


def test_extending_a_build_with_another_format_keeps_its_papers(run_kg, built, tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(built, graph)
    manifest = json.loads((graph / "manifest.json").read_text())
    del manifest["kind"]  # as builds before the marker wrote it, which are builds all the same
    (graph / "manifest.json").write_text(json.dumps(manifest))
    result = run_kg("build", REFS, "--format", "bibtex", "--out", graph)
    assert result.exit_code == 0, result.stderr
    ids = [paper["id"] for paper in read_jsonl(graph / "papers.jsonl")]
    assert len(ids) == 6 and {"P1", "P2"} <= set(ids)
    assert json.loads((graph / "manifest.json").read_text())["papers"] == 6


def test_a_first_abstract_over_64_kb_is_still_read_as_json_lines(run_kg, built, tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(built, graph)
    (graph / "index.sqlite").unlink()  # as a build made before builds kept an index: its papers.jsonl is read
    papers = read_jsonl(graph / "papers.jsonl")
    papers[0]["abstract"] += " The model is evaluated again." * 2500
    (graph / "papers.jsonl").write_text("".join(json.dumps(paper) + "\n" for paper in papers))
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(EXTRA) + "\n")
    result = run_kg("build", extra, "--out", graph)
    assert result.exit_code == 0, result.stderr
    after = read_jsonl(graph / "papers.jsonl")
    assert len(after) == 4 and max(len(paper["abstract"]) for paper in after) > 64 * 1024


def test_a_build_that_would_hold_fewer_papers_is_refused(run_kg, built, tmp_path, monkeypatch):
    graph = tmp_path / "graph"
    shutil.copytree(built, graph)
    (graph / "index.sqlite").unlink()  # as a build made before builds kept an index: its papers.jsonl is read
    lines = (graph / "papers.jsonl").read_text().splitlines(keepends=True)
    (graph / "papers.jsonl").write_text(lines[0] + lines[1] + "{broken\n")
    before = files_of(graph)
    monkeypatch.setattr("kg.build.shared_analyzer", lambda *_: pytest.fail("the analysis started"))
    again = tmp_path / "again.jsonl"
    again.write_text(lines[0])
    result = run_kg("build", again, "--skip-bad", "--out", graph)
    assert one_error_line(result)
    assert "the build would hold 2 papers, fewer than the 3 the folder holds; nothing was changed" in result.stderr
    assert files_of(graph) == before and dot_folders(tmp_path) == []


def test_a_folder_named_with_a_quote_a_space_a_backslash_and_brackets(run_kg, tmp_path):
    out = tmp_path / "q'dir with space\\and [1]"
    result = run_kg("build", PAPERS, "--out", out)
    assert result.exit_code == 0, result.stderr
    stats = run_kg("stats", "--store", out, "--json")
    assert json.loads(stats.stdout)["cypher"]["nodes"]["Paper"] == 3


# A driver that puts a build in place of another, with os._exit at one step of the swap: before
# the Nth renaming or removal, or while removing the old build. `renames` is the way of systems
# that cannot exchange two folders in one step.
SWAP_DRIVER = """
import os, shutil, sys
from pathlib import Path
import kg.build_folder as folder

old, new, out, way, when, number = sys.argv[1:]
out, number, calls, remove = Path(out), int(number), 0, shutil.rmtree
shutil.copytree(old, out)
work = folder.work_folder(out)
shutil.copytree(new, work)
print(os.stat(out).st_ino, os.stat(work).st_ino, flush=True)

def killed_at(operation):
    def run(*args, **kwargs):
        global calls
        calls += 1
        if calls == number:
            if when == "during":
                remove(Path(args[0]) / "rdf")
            os._exit(9)
        return operation(*args, **kwargs)
    return run

folder._exchange = (lambda first, second: False) if way == "renames" else killed_at(folder._exchange)
os.rename, os.replace, shutil.rmtree = killed_at(os.rename), killed_at(os.replace), killed_at(shutil.rmtree)
folder.install(work, out)
"""

KILLS = {
    "exchange, killed before it": ("exchange", "before", 1, "old"),
    "exchange, killed after it": ("exchange", "before", 2, "new"),
    "exchange, killed removing the old build": ("exchange", "during", 2, "new"),
    "renames, killed before them": ("renames", "before", 1, "old"),
    "renames, killed between them": ("renames", "before", 2, "old"),
    "renames, killed after them": ("renames", "before", 3, "new"),
    "renames, killed removing the old build": ("renames", "during", 3, "new"),
}


@pytest.mark.parametrize("kill", KILLS.values(), ids=KILLS.keys())
def test_killed_at_any_step_of_the_swap_the_folder_is_the_old_build_or_the_new(built, tmp_path, kill):
    from kg.build_folder import prepare

    way, when, number, expected = kill
    out = tmp_path / "graph"
    driver = subprocess.run([sys.executable, "-c", SWAP_DRIVER, built, built, out, way, when, str(number)],
                            capture_output=True, text=True, timeout=60)
    assert driver.returncode == 9, driver.stderr
    inode = dict(zip(("old", "new"), map(int, driver.stdout.split())))[expected]
    if (way, number) != ("renames", 2):  # the one instant two renames leave no folder
        assert os.stat(out).st_ino == inode and files_of(out) == files_of(built)
    prepare(out)  # what the next build does first
    assert os.stat(out).st_ino == inode and files_of(out) == files_of(built)
    assert dot_folders(tmp_path) == []


def test_the_next_build_puts_back_a_build_a_kill_left_missing_and_removes_only_leftovers(run_kg, built, tmp_path):
    dead, other, third = dead_pid(), dead_pid(), dead_pid()
    shutil.copytree(built, tmp_path / f".graph.old-{dead}")  # killed between the two renames
    (tmp_path / f".graph.building-{dead}" / ".parts").mkdir(parents=True)
    (tmp_path / f".graph.building-{dead}" / ".papers.sqlite").write_bytes(b"")
    kept = {
        f".graph.building-{other}/thesis.tex": b"not a build's\n",  # not what a build writes
        ".graph.building-1/.papers.sqlite": b"",  # a process that runs
        f".graph2.building-{dead}/.papers.sqlite": b"",  # another folder's
        f".graph.building-{third}/papers.jsonl": json.dumps(EXTRA).encode() + b"\n",  # the input
    }
    for name, data in kept.items():
        (tmp_path / name).parent.mkdir()
        (tmp_path / name).write_bytes(data)
    result = run_kg("build", tmp_path / f".graph.building-{third}" / "papers.jsonl", "--out", tmp_path / "graph")
    assert result.exit_code == 0, result.stderr
    assert len(read_jsonl(tmp_path / "graph" / "papers.jsonl")) == 4
    assert dot_folders(tmp_path) == sorted(name.split("/")[0] for name in kept)
    assert all((tmp_path / name).read_bytes() == data for name, data in kept.items())


def test_a_build_stopped_with_sigterm_leaves_the_folder_as_it_was(built, tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(built, graph)
    before = files_of(graph)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(EXTRA) + "\n")
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", extra, "--out", graph],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    work = tmp_path / f".graph.building-{process.pid}"
    deadline = time.monotonic() + 60
    while not work.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143 and stderr == "kg: terminated\n"
    assert files_of(graph) == before and dot_folders(tmp_path) == []


class Reached(Exception):
    pass


def reached(*args, **kwargs):
    raise Reached


def test_a_second_build_while_one_runs_is_refused(run_kg, built, tmp_path, monkeypatch):
    import fcntl

    graph = tmp_path / "graph"
    shutil.copytree(built, graph)
    before = files_of(graph)
    holder = os.open(tmp_path, os.O_RDONLY)  # as a running build holds it
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        result = run_kg("build", REFS, "--out", graph)
    finally:
        os.close(holder)
    assert one_error_line(result) and "another kg build is writing in" in result.stderr
    assert files_of(graph) == before and dot_folders(tmp_path) == []
    monkeypatch.setattr("kg.build.read_papers", reached)
    with pytest.raises(Reached):  # once it has ended, the next build goes as far as reading its input
        run_kg("build", REFS, "--out", graph)
