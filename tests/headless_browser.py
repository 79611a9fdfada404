"""Headless Chromium driven over the DevTools protocol (on a pipe, as Puppeteer's `pipe: true`
does), so a test can wait until a page has drawn instead of guessing how long that takes."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def png_colours(png: bytes) -> set[tuple[int, int, int]]:
    """The distinct colours of a PNG (enough to tell a drawing from a blank), read with Pillow
    (a dependency of matplotlib): a decoder written in Python took 1.6 s a screenshot."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        return {colour for _, colour in rgb.getcolors(maxcolors=rgb.width * rgb.height)}


class Browser:
    """One headless Chromium with one page; messages are JSON, each ended by a NUL byte, on the
    child's file descriptors 3 (to it) and 4 (from it)."""

    def __init__(self, profile: Path, width: int = 1000, height: int = 800):
        to_child, self._to = os.pipe()
        self._from, from_child = os.pipe()

        def on_3_and_4():  # in the child: copies first, so that neither dup2 closes the other end
            reads, writes = os.dup(to_child), os.dup(from_child)
            os.dup2(reads, 3)
            os.dup2(writes, 4)  # dup2 makes inheritable copies; Python's own descriptors are not

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=on_3_and_4)
        os.close(to_child)
        os.close(from_child)
        self._buffer, self._next_id, self.session, self.target = b"", 0, None, None

    def call(self, method: str, **params) -> dict:
        """Send one command (to the page once attached) and return its result."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._to, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url: str, viewport: tuple[int, int] | None = None) -> None:
        """Open `url` in a new page of the window's size, or of `viewport` (width, height) CSS
        pixels at a pixel density of 1 (closing the page opened before, so that it stops
        drawing); later commands go to that page."""
        self.session = None
        if self.target:
            self.call("Target.closeTarget", targetId=self.target)
        self.target = self.call("Target.createTarget", url="about:blank" if viewport else url)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=self.target, flatten=True)["sessionId"]
        if viewport:
            self.call("Emulation.setDeviceMetricsOverride", width=viewport[0], height=viewport[1], deviceScaleFactor=1,
                      mobile=False)
            self.call("Page.navigate", url=url)

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_until(self, expression: str, seconds: float = 60) -> bool:
        """Whether the page's `expression` became true within `seconds` (it is asked again and
        again: cheaper than screenshots while the page is still loading)."""
        deadline = time.monotonic() + seconds
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def wait_for(self, ready, seconds: float = 60):
        """The first screenshot `ready` accepts (it gets the PNG's bytes), taken again and again
        until one is or `seconds` have passed (then the last one)."""
        deadline = time.monotonic() + seconds
        while True:
            shot = self.screenshot()
            if ready(shot) or time.monotonic() > deadline:
                return shot
            time.sleep(0.1)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to)
        os.close(self._from)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
