"""A real Neo4j 5 Community server and Neo4j Browser, run by `kg neo4j serve` without Docker.

The launcher is a small Maven project shipped in `kg/data/neo4j/` (Neo4j embedded with its
Bolt connector, and the Browser's files served over HTTP). `launcher_jar` builds it
with Maven once per version of its sources, in the cache folder; `Neo4jServer` starts it,
waits for its one "ready" line and stops it with SIGTERM.
"""

from __future__ import annotations

import hashlib
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg import config
from kg.atomic_file import write_atomically
from kg.records import KGError

LAUNCHER_SOURCE = config.DATA_DIR / "neo4j"
INSTALL_HINT = ("install Java 17 or newer and Maven (Debian: apt install openjdk-17-jdk-headless maven); "
                "with Docker, `docker compose up` in the repository runs Neo4j and its Browser instead")
READY_SECONDS = 180


def require_tool(name: str) -> str:
    """The path of `java` or `mvn`, or a KGError saying what to install."""
    path = shutil.which(name)
    if path is None:
        raise KGError(f"kg neo4j serve needs `{name}`, which is not on PATH: {INSTALL_HINT}")
    return path


def _source_files() -> list[Path]:
    return sorted(p for p in LAUNCHER_SOURCE.rglob("*") if p.is_file() and "target" not in p.relative_to(LAUNCHER_SOURCE).parts)


def launcher_folder() -> Path:
    """The cache folder of the launcher built from the shipped sources (keyed by their content)."""
    digest = hashlib.sha256()
    for path in _source_files():
        digest.update(str(path.relative_to(LAUNCHER_SOURCE)).encode() + b"\0" + path.read_bytes())
    return config.CACHE_DIR / f"neo4j-launcher-{digest.hexdigest()[:16]}"


def launcher_jar(*, log=print) -> Path:
    """The launcher's jar (its manifest names its libraries and the JVM options Neo4j wants),
    built with Maven the first time: Maven Central gives Neo4j and the Browser."""
    folder = launcher_folder()
    jar = folder / "target" / "kg-neo4j-launcher.jar"
    if jar.is_file() and (folder / "target" / "lib").is_dir():
        return jar
    mvn = require_tool("mvn")
    log(f"building the Neo4j launcher with Maven in {folder} (once)")
    config.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="neo4j-launcher-", dir=config.CACHE_DIR))
    try:
        for path in _source_files():
            target = work / path.relative_to(LAUNCHER_SOURCE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        done = subprocess.run([mvn, "-q", "-B", "-f", str(work / "pom.xml"), "package"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            tail = " ".join(done.stdout.split()[-60:])
            raise KGError(f"Maven could not build the Neo4j launcher (mvn exit {done.returncode}): {tail}")
        try:
            work.rename(folder)
        except OSError:
            if not (folder / "target" / "lib").is_dir():  # not a concurrent build that finished first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return jar


class Neo4jServer:
    """The launcher as a child process: `start()` returns once Neo4j answers on Bolt and the
    Browser is served; `stop()` sends SIGTERM and waits."""

    def __init__(self, data: Path, password: str, *, bolt_port: int = 7687, http_port: int = 7474, log=print,
                 guide: str | None = None):
        if len(password) < 8:
            raise KGError("set NEO4J_PASSWORD to the password Neo4j should have, at least 8 characters")
        self.data, self.password = Path(data), password
        self.bolt_port, self.http_port = bolt_port, http_port
        self.log = log
        self.guide = guide
        self.process: subprocess.Popen | None = None

    @property
    def bolt_uri(self) -> str:
        return f"bolt://localhost:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://localhost:{self.http_port}/browser/"

    @property
    def guide_url(self) -> str:
        """Where the Browser guide is served (Neo4j Browser plays guides from localhost)."""
        return f"http://localhost:{self.http_port}/kg/guide.html"

    def start(self) -> Neo4jServer:
        java = require_tool("java")
        jar = launcher_jar(log=self.log)
        self.data.mkdir(parents=True, exist_ok=True)
        files = self.data / "kg-files"  # served at /kg/
        files.mkdir(exist_ok=True)
        if self.guide is not None:
            with write_atomically(files / "guide.html") as out:
                out.write(self.guide)
        self.process = subprocess.Popen(
            [java, "-jar", str(jar), "--bolt-port", str(self.bolt_port), "--http-port", str(self.http_port),
             "--data", str(self.data.resolve()), "--files", str(files.resolve())],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "NEO4J_PASSWORD": self.password},
        )
        line = self._first_line(READY_SECONDS)
        if not line.startswith("ready "):
            self.stop()
            raise KGError(f"Neo4j did not start: {line or 'no ready line in time'}")
        return self

    def _first_line(self, seconds: float) -> str:
        """The launcher's ready line, or what it said on stderr if it exited first."""
        assert self.process and self.process.stdout and self.process.stderr
        chooser = selectors.DefaultSelector()
        chooser.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if chooser.select(timeout=0.5):
                line = self.process.stdout.readline()
                if line:
                    return line.strip()
            if self.process.poll() is not None:
                error = self.process.stderr.read().strip().splitlines()
                return error[-1] if error else f"the launcher exited with code {self.process.returncode}"
        return ""

    def wait(self) -> int:
        assert self.process
        return self.process.wait()

    def stop(self, seconds: float = 60) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def default_data_folder(store: Path) -> Path:
    """The data folder `kg neo4j serve` uses for a build when none is given: one per build
    folder, in the cache folder, never inside the build (a rebuild replaces that folder)."""
    resolved = Path(store).resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    return config.CACHE_DIR / "neo4j-data" / f"{resolved.name}-{digest}"


def progress(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr, flush=True)
