"""Remake the screenshots of `kg viz` in docs/ from a build (the README's are of the demo build,
`kg build ../shared/seeds --out DIR`), in headless Chromium at 1400x900 and a pixel density of 1:

    python docs/screenshots.py DIR
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))
from headless_browser import Browser  # noqa: E402

PAGES = {
    "viz-top.png": [],
    "viz-datasets-for-task-modality.png": ["--query", "datasets-for-task-modality"],
    "viz-entity-chexpert.png": ["--entity", "CheXpert"],
}


def main(store: str) -> None:
    with tempfile.TemporaryDirectory() as work, Browser(Path(work) / "profile") as browser:
        for name, options in PAGES.items():
            page = Path(work) / f"{name}.html"
            subprocess.run([sys.executable, "-m", "kg", "viz", "--store", store, *options, "-o", str(page)], check=True)
            browser.open(page.as_uri(), viewport=(1400, 900))
            if not browser.wait_until("document.body !== null && document.body.dataset.ready === 'yes'", seconds=30):
                raise SystemExit(f"{name}: the page did not draw")
            time.sleep(0.2)
            (HERE / name).write_bytes(browser.screenshot())
            print(f"wrote {HERE / name}", file=sys.stderr)
        charts = Path(work) / "charts"
        subprocess.run([sys.executable, "-m", "kg", "stats", "--store", store, "--plot", str(charts)], check=True,
                       stdout=subprocess.DEVNULL)
        (HERE / "chart-datasets-per-task.png").write_bytes((charts / "datasets-per-task.png").read_bytes())


if __name__ == "__main__":
    main(sys.argv[1])
