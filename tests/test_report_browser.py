"""report.html in a real browser: headless Chromium renders the seeds' report.

Chromium runs the page's script (which records, per cluster, what the
browser laid out: members, canonical members, visible members, rows), dumps
the DOM after it ran, and takes a screenshot. CI installs Debian's
``chromium``; where it is absent this test skips and says so.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import lxml.html
import pytest

from dedup import Config, clean
from dedup.report.page import write_report_html
from tests.conftest import SEEDS

PEACEKEEPERS = (
    "Moscow deployed about 2,000 troops to the region to serve as peacekeepers under the deal."
)
CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 2000


def _chromium() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    found = shutil.which("chromium")
    if found is None:
        pytest.skip(
            "headless Chromium not found at /usr/bin/chromium (Debian package `chromium`; "
            ".ci/run installs it): the browser test of report.html cannot run here"
        )
    return found


def _render(page: Path, profile: Path, screenshot: Path) -> str:
    """The DOM after the page's script ran; also writes a screenshot."""
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--screenshot={screenshot}",
        # Lets the load handlers run before the DOM is dumped.
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False, cwd=profile)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return proc.stdout.decode("utf-8")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_seeds_report_in_headless_chromium(tmp_path: Path):
    out = tmp_path / "out"
    clean([str(SEEDS)], str(out), Config().replace(run={"workers": 1, "quiet": True}))
    originals = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    page = write_report_html(out, originals)
    profile = tmp_path / "profile"
    profile.mkdir()
    screenshot = tmp_path / "report.png"

    dom = lxml.html.document_fromstring(_render(page, profile, screenshot))

    # The script ran (so the Content-Security-Policy admitted it by its hash).
    assert dom.body.get("data-report-ready") == "1"
    clusters = [
        c
        for c in dom.xpath('//section[contains(@class, "cluster")]')
        if any(PEACEKEEPERS in m.text_content() for m in c.xpath(".//div[@data-canonical]"))
    ]
    assert len(clusters) == 1
    cluster = clusters[0]
    members = cluster.xpath(".//div[@data-canonical]")
    assert len(members) == 2
    assert [m.get("data-canonical") for m in members].count("true") == 1
    assert all(PEACEKEEPERS in m.text_content() for m in members)
    # What the browser laid out: two visible members, one canonical, side by side.
    assert cluster.get("data-dom-members") == "2"
    assert cluster.get("data-dom-canonical") == "1"
    assert cluster.get("data-dom-visible") == "2"
    assert cluster.get("data-dom-rows") == "1"
    canonical = next(m for m in members if m.get("data-canonical") == "true")
    assert "canonical" in canonical.text_content() and "first" in canonical.text_content()

    assert _png_size(screenshot) == (WIDTH, HEIGHT)
    from PIL import Image

    with Image.open(screenshot) as im:
        rgb = im.convert("RGB")
        # The canonical badge and border are #2a8a2a: the page really painted them.
        colors = rgb.getcolors(WIDTH * HEIGHT) or []
        green = sum(n for n, colour in colors if colour == (42, 138, 42))
    assert green > 500


def test_hostile_report_in_headless_chromium_runs_no_injected_code(tmp_path: Path):
    from tests.test_report import _hostile_outdir

    out = _hostile_outdir(tmp_path / "run")
    # A payload that would leave a mark in the DOM if it ever ran or parsed as markup.
    payload = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
    with (out / "removed.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(
            '{"doc_id": "x", "kind": "boilerplate", "reason": "r", "start": 0, "end": '
            f'{len(payload)}, "text": {json.dumps(payload)}, "cluster_id": null, "kept": null}}\n'
        )
    page = write_report_html(out)
    profile = tmp_path / "profile"
    profile.mkdir()
    dom_text = _render(page, profile, tmp_path / "hostile.png")
    dom = lxml.html.document_fromstring(dom_text)
    assert dom.body.get("data-report-ready") == "1"
    assert dom.body.get("data-pwned") is None
    assert not dom.xpath("//img | //iframe | //object | //embed")
    assert len(dom.xpath("//script")) == 1
    assert payload in dom.text_content()
