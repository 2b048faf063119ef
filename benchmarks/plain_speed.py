"""Speed of the plain-text boilerplate filter, and a byte-identity check of its output.

Corpus: AEB pages (tuning) and trafilatura-dev pages (the reported figure),
each flattened to plain text with its chrome kept by benchmarks/_flatten.py's
``blocks`` flattener, one document per page. Site templates are learned per
corpus the way ``dedup strip`` does, then each document goes through
:func:`dedup.boilerplate.classify_text`. Throughput is input MB/s on one core,
the median of ``--repeat`` runs, over this process's CPU time (``time.process_time``:
on a shared machine wall time mostly measures the other processes). Identity: a
SHA-256 over every decision
(label, reason, kept text) of every document; ``--baseline REV`` runs this
same script on a ``git worktree`` of REV in a subprocess and compares digests.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/plain_speed.py [--limit N] [--baseline main]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def corpus(name: str, limit: int | None, cache: Path) -> list[tuple[str, str]]:
    """(site, flattened text) per page of the named set."""
    from _flatten import flatten_blocks, flatten_cached

    if name == "aeb":
        from _aeb import load_pages

        items = [(p.page_id, p.url, p.html) for p in load_pages(limit)]
    else:
        from _trafdev import load_dev_pages

        items = [(p.page_id, p.url, p.html) for p in load_dev_pages(limit)]
    from _trafdev import site_of

    texts = flatten_cached(f"speed-{name}-{limit}", "blocks", flatten_blocks, items, cache)
    return [(site_of(url), t) for (_, url, _), t in zip(items, texts, strict=True)]


def run(docs: list[tuple[str, str]], repeat: int) -> tuple[float, str]:
    """(median MB/s, digest of all decisions)."""
    from dedup.boilerplate import classify_text
    from dedup.boilerplate.templates import learn_templates
    from dedup.config import BoilerplateConfig

    try:
        from dedup.boilerplate.rule_cache import LineRuleCache
    except ImportError:  # a rev from before the cache
        LineRuleCache = None  # type: ignore[assignment,misc]

    config = BoilerplateConfig()
    size = sum(len(t.encode("utf-8")) for _, t in docs)
    times = []
    digest = ""
    for _ in range(repeat):
        h = hashlib.sha256()
        t0 = time.process_time()
        templates = learn_templates(docs, config)
        # As analyse_chunk does, one rule cache for the run (a baseline rev
        # that predates it runs without).
        extra: dict[str, Any] = {"rule_cache": LineRuleCache()} if LineRuleCache else {}
        for site, text in docs:
            for d in classify_text(text, config, templates, site, **extra):
                h.update(f"{d.label}\0{d.reason}\0{d.cut_start}\0{d.cut_end}\n".encode())
        times.append(time.process_time() - t0)
        digest = h.hexdigest()
    return size / 1e6 / statistics.median(times), digest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", choices=["aeb", "trafdev"], default="trafdev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dedup-speed")
    ap.add_argument("--baseline", help="git rev to compare speed and output digest against")
    ap.add_argument("--json", action="store_true", help="print one JSON line (for --baseline)")
    a = ap.parse_args()
    docs = corpus(a.set, a.limit, a.cache)
    mbs, digest = run(docs, a.repeat)
    mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
    if a.json:
        print(json.dumps({"mbs": mbs, "digest": digest}))
        return
    print(f"{a.set}: {len(docs)} docs, {mb:.1f} MB, {mbs:.2f} MB/s (median of {a.repeat})")
    print(f"digest {digest}")
    if a.baseline:
        repo = HERE.parent
        with tempfile.TemporaryDirectory() as tmp:
            wt = Path(tmp) / "base"
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "add", "-q", "--detach", str(wt), a.baseline],
                check=True,
            )
            try:
                cmd = [
                    sys.executable,
                    str(HERE / "plain_speed.py"),
                    "--set",
                    a.set,
                    "--json",
                    "--repeat",
                    str(a.repeat),
                    "--cache",
                    str(a.cache),
                ]
                if a.limit is not None:
                    cmd += ["--limit", str(a.limit)]
                # The baseline runs this script (it may predate it) against the old package.
                out = subprocess.run(
                    cmd,
                    env={"PYTHONPATH": str(wt), "PATH": "/usr/bin:/bin"},
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            finally:
                subprocess.run(
                    ["git", "-C", str(repo), "worktree", "remove", "--force", str(wt)], check=True
                )
        base = json.loads(out.strip().splitlines()[-1])
        print(f"baseline {a.baseline}: {base['mbs']:.2f} MB/s; speed-up {mbs / base['mbs']:.2f}x")
        same = base["digest"] == digest
        print("identical output" if same else "OUTPUT DIFFERS from baseline")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
