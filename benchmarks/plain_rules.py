"""dedup's line rules on plain text: whole pages flattened with their chrome.

Both page sets of benchmarks/html_peers.py (AEB with its metric,
trafilatura-dev with its snippet metric), each page flattened to plain text
with the navigation, footers and comments kept, the way a scraped text corpus
looks; then :func:`dedup.boilerplate.classify_text` without HTML roles (hand
rules at their defaults; the learned line model is off by default, and
benchmarks/train_line_model.py reports it out of sample, which this script
cannot, since the shipped weights were trained on both sets). Rows:
doing nothing, and dedup's rules; then, per reason code, the F1 change when
that reason's cuts are put back (a negative change: the rule helps). The rules
were written from AEB and the seeds: trafilatura-dev is out of sample for
them, so a rule change is kept only when it does not lose there.

Flatteners: Resiliparse ``extract_plain_text(main_content=False)`` (whole
page, chrome kept; needs resiliparse, see html_peers.py) and, always,
trafilatura with ``favor_recall=True, include_comments=True`` (a recall-heavy
extraction that keeps much chrome). Flattened texts are cached with the peer
outputs (``--cache``). To compare two versions of the rules, run this once per
checkout (``PYTHONPATH=<checkout>``); the flattened inputs are the same.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/plain_rules.py [--limit N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from html_peers import aeb_set, dev_set, run_cached, strip_text

from dedup.boilerplate import classify_text
from dedup.config import BoilerplateConfig


def flatteners() -> dict:
    out = {
        "trafilatura recall+comments": lambda html, url: (
            trafilatura.extract(html, url=url or None, favor_recall=True, include_comments=True)
            or ""
        ),
    }
    try:
        from resiliparse.extract.html2text import extract_plain_text
    except ImportError:
        print("note: resiliparse not importable: its flattening is skipped")
        return out
    out["resiliparse whole page"] = lambda html, url: extract_plain_text(html) or ""
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/dedup-html-peers"))
    args = ap.parse_args()
    config = BoilerplateConfig()
    for s in (aeb_set(args.limit), dev_set(args.limit)):
        for fname, fn in flatteners().items():
            texts, _ = run_cached(fname, fn, s.items, args.cache, s.name)
            print(f"\n== {s.name}, flattened by {fname}: {len(texts)} pages")
            t0 = time.process_time()
            decisions = [classify_text(t, config) for t in texts]
            secs = time.process_time() - t0
            mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
            stripped = [strip_text(t, d) for t, d in zip(texts, decisions, strict=True)]
            print(s.row("doing nothing", texts))
            print(s.row("dedup rules", stripped) + f"  {mb / max(secs, 1e-9):.1f} MB/s")
            full = s.f1(stripped)
            reasons = sorted(
                {x.reason for ds in decisions for x in ds if x.label == "boilerplate" and x.reason}
            )
            deltas = []
            for reason in reasons:
                back = [
                    strip_text(t, d, frozenset({reason}))
                    for t, d in zip(texts, decisions, strict=True)
                ]
                n = sum(x.reason == reason for ds in decisions for x in ds)
                deltas.append((s.f1(back) - full, reason, n))
            for d, reason, n in sorted(deltas):
                print(f"    {reason:<18} lines {n:5d}  F1 with its cuts put back {d:+.4f}")


if __name__ == "__main__":
    main()
