"""HTML extraction side by side: trafilatura modes, Resiliparse, dedup, combinations.

Two page sets, one run:

- AEB (../shared/data/aeb, 181 English pages with gold article text), scored
  with the AEB metric (benchmarks/_aeb.py: F1 of 4-token shingles, mean over
  documents, bootstrap std over 1,000 resamples of pages);
- trafilatura-dev (../shared/data/trafilatura-dev.jsonl.gz, 653 pages, mostly
  German), scored with must-keep / must-drop snippets as trafilatura's own
  evaluation does (benchmarks/_trafdev.py: P/R/F1 over all snippets,
  bootstrap std over 1,000 resamples of sites).

Extractors: trafilatura 2.x default; ``include_comments=False``; that plus
``favor_precision``; that plus ``favor_recall``; Resiliparse
``extract_plain_text(main_content=True)`` if it is importable; dedup's HTML
path (:func:`dedup.extract.html.extract_page`, then the line rules of
:func:`dedup.boilerplate.classify_text` with the HTML line roles), once as it
was (precision mode, balanced only when precision kept under 500 characters
and balanced 5x more) and once per candidate combination:

- ``relative fallback s``: precision mode, balanced mode's text when
  precision kept under ``s`` of balanced's characters;
- ``agreement with Resiliparse s``: balanced when precision kept under ``s``
  of the larger of balanced's and Resiliparse's characters.

Each combination's parameter is chosen on one set and reported on the other,
in both directions (tuned on AEB -> trafilatura-dev figure, and back), and
within trafilatura-dev across two folds of its sites; only the out-of-sample
figure is the result. The line rules are also scored per
reason code on both sets (trafilatura-dev: pages they were not written from):
the F1 change when that reason's cuts are put back.

Per-page time is CPU time of this process (process_time), median and mean in
ms/page; the machine is shared, so wall time would measure the neighbours.

Needs: trafilatura (dedup's dependency). Optional: resiliparse (``pip install
resiliparse`` in a venv of the same Python; put its site-packages on
PYTHONPATH); skipped with a note when missing. Peer outputs are cached in
``--cache`` (default /tmp/dedup-html-peers) keyed by set, peer and library
version, so a rerun re-extracts only dedup.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/html_peers.py [--limit N]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from _aeb import evaluate, load_pages, paired_f1_delta, score_document
from _trafdev import (
    evaluate_snippets,
    load_dev_pages,
    paired_snippet_delta,
    score_page,
)

from dedup.boilerplate import LineDecision, classify_text
from dedup.config import BoilerplateConfig
from dedup.extract import HtmlExtractionError

SHARES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Item:
    """One page of either set, as the benchmark needs it."""

    page_id: str
    url: str
    html: str


def _resiliparse() -> Callable[[str, str], str] | None:
    try:
        from resiliparse.extract.html2text import extract_plain_text
    except ImportError:
        print("note: resiliparse not importable: its rows are skipped (see the docstring)")
        return None
    return lambda html, url: extract_plain_text(html, main_content=True) or ""


def peers() -> dict[str, Callable[[str, str], str]]:
    def traf(**kw: bool) -> Callable[[str, str], str]:
        return lambda html, url: trafilatura.extract(html, url=url or None, **kw) or ""

    out = {
        "trafilatura default": traf(),
        "trafilatura include_comments=False": traf(include_comments=False),
        "  +favor_precision": traf(include_comments=False, favor_precision=True),
        "  +favor_recall": traf(include_comments=False, favor_recall=True),
    }
    rp = _resiliparse()
    if rp is not None:
        out["resiliparse main_content"] = rp
    return out


def run_cached(
    name: str, fn: Callable[[str, str], str], items: Sequence[Item], cache: Path, set_name: str
) -> tuple[list[str], list[float]]:
    version = trafilatura.__version__ if name.strip().startswith(("traf", "+")) else "r"
    path = cache / f"{set_name}-{name.strip().replace(' ', '_')}-{version}.json"
    if path.exists():
        got = json.loads(path.read_text())
        if all(i.page_id in got for i in items):
            return [got[i.page_id][0] for i in items], [got[i.page_id][1] for i in items]
    texts, times = [], []
    for it in items:
        t0 = time.process_time()
        try:
            texts.append(fn(it.html, it.url))
        except Exception as exc:  # a peer's crash is its result: no text
            print(f"  {name} failed on {it.page_id}: {type(exc).__name__}")
            texts.append("")
        times.append(time.process_time() - t0)
    cache.mkdir(parents=True, exist_ok=True)
    data = {i.page_id: [t, s] for i, t, s in zip(items, texts, times, strict=True)}
    path.write_text(json.dumps(data))
    return texts, times


@dataclass
class DedupRun:
    """dedup's extraction in one trafilatura mode: text, line decisions, times."""

    texts: list[str]
    decisions: list[list[LineDecision]]
    extract_s: list[float]
    rules_s: list[float]


def strip_text(
    text: str, decisions: Sequence[LineDecision], keep: frozenset[str] = frozenset()
) -> str:
    out: list[str] = []
    pos = 0
    for d in decisions:
        if d.label == "boilerplate" and d.cut_end > d.cut_start and d.reason not in keep:
            out.append(text[pos : d.cut_start])
            pos = d.cut_end
    out.append(text[pos:])
    return "".join(out)


def run_dedup(items: Sequence[Item], config: BoilerplateConfig) -> DedupRun:
    from dedup.extract.html import extract_page  # here: plain_rules.py runs on old checkouts

    run = DedupRun([], [], [], [])
    for it in items:
        t0 = time.process_time()
        try:
            page = extract_page(it.html, config, it.url or None, fallback_share=0.0)
            text, roles = page.text, page.roles
        except HtmlExtractionError:
            text, roles = "", None
        t1 = time.process_time()
        ds = (
            classify_text(text, config, line_roles=roles, keep_title=config.keep_title)
            if text
            else []
        )
        run.texts.append(text)
        run.decisions.append(ds)
        run.extract_s.append(t1 - t0)
        run.rules_s.append(time.process_time() - t1)
    return run


def pick(
    prec: DedupRun,
    bal: DedupRun,
    choose: Sequence[bool],
    rules: bool,
    keep: frozenset[str] = frozenset(),
) -> list[str]:
    out = []
    for k, use_b in enumerate(choose):
        run = bal if use_b else prec
        text = run.texts[k]
        out.append(strip_text(text, run.decisions[k], keep) if rules else text)
    return out


def old_choice(prec: DedupRun, bal: DedupRun) -> list[bool]:
    """The rule before issue 17: balanced only under 500 chars and 5x more."""
    out = []
    for p, b in zip(prec.texts, bal.texts, strict=True):
        lp, lb = len(p.strip()), len(b.strip())
        out.append(lp < 500 and lb >= 5.0 * max(1, lp))
    return out


def relative_choice(
    prec: DedupRun, bal: DedupRun, share: float, other: Sequence[str] | None = None
) -> list[bool]:
    out = []
    for k, (p, b) in enumerate(zip(prec.texts, bal.texts, strict=True)):
        ref = len(b.strip())
        if other is not None:
            ref = max(ref, len(other[k].strip()))
        out.append(len(p.strip()) < share * ref and len(b.strip()) > len(p.strip()))
    return out


@dataclass
class SetData:
    name: str
    items: list[Item]
    f1: Callable[[Sequence[str]], float]
    row: Callable[[str, Sequence[str]], str]
    delta: Callable[[Sequence[str], Sequence[str]], tuple[float, float]]
    # F1 on a subset of the pages (positions), for folds grouped by site.
    f1_on: Callable[[Sequence[str], Sequence[int]], float] | None = None
    sites: list[str] | None = None


def aeb_set(limit: int | None) -> SetData:
    pages = load_pages(limit)
    items = [Item(p.page_id, p.url, p.html) for p in pages]

    def scores(texts: Sequence[str]) -> list:
        return [score_document(p.gold, t) for p, t in zip(pages, texts, strict=True)]

    return SetData(
        "AEB",
        items,
        lambda texts: evaluate(scores(texts), n_boot=2).f1,
        lambda name, texts: evaluate(scores(texts)).row(name),
        lambda a, b: paired_f1_delta(scores(a), scores(b)),
    )


def dev_set(limit: int | None) -> SetData:
    pages = load_dev_pages(limit)
    items = [Item(p.page_id, p.url, p.html) for p in pages]

    def scores(texts: Sequence[str]) -> list:
        return [score_page(p, t) for p, t in zip(pages, texts, strict=True)]

    return SetData(
        "trafilatura-dev",
        items,
        lambda texts: evaluate_snippets(pages, scores(texts), n_boot=2).f1,
        lambda name, texts: evaluate_snippets(pages, scores(texts)).row(name),
        lambda a, b: paired_snippet_delta(pages, scores(a), scores(b)),
        lambda texts, idx: (
            evaluate_snippets(
                [pages[i] for i in idx], [score_page(pages[i], texts[i]) for i in idx], n_boot=2
            ).f1
        ),
        [p.site for p in pages],
    )


def ms(times: Sequence[float]) -> str:
    med, mean = statistics.median(times) * 1000, statistics.mean(times) * 1000
    return f"{med:6.1f} ms median, {mean:6.1f} mean"


@dataclass
class SetRun:
    data: SetData
    prec: DedupRun
    bal: DedupRun
    peers: dict[str, list[str]]
    best_peer: str


def _both_modes_time(r: SetRun) -> list[float]:
    return [
        a + b + c + d
        for a, b, c, d in zip(
            r.prec.extract_s, r.bal.extract_s, r.prec.rules_s, r.bal.rules_s, strict=True
        )
    ]


def run_set(s: SetData, cache: Path) -> SetRun:
    print(f"\n== {s.name}: {len(s.items)} pages")
    peer_texts: dict[str, list[str]] = {}
    for name, fn in peers().items():
        texts, times = run_cached(name, fn, s.items, cache, s.name)
        peer_texts[name] = texts
        print(f"{s.row(name, texts)}  time {ms(times)}")
    best = max(
        (n for n in peer_texts if "trafilatura" in n or "+" in n), key=lambda n: s.f1(peer_texts[n])
    )
    prec = run_dedup(s.items, BoilerplateConfig())
    bal = run_dedup(s.items, BoilerplateConfig(html_favor_precision=False))
    r = SetRun(s, prec, bal, peer_texts, best)
    old = old_choice(prec, bal)
    old_t = [
        p + q + (b if len(t.strip()) < 500 else 0.0)
        for p, q, b, t in zip(prec.extract_s, prec.rules_s, bal.extract_s, prec.texts, strict=True)
    ]
    n = len(old)
    print(
        f"{s.row('dedup before (500-char fallback)', pick(prec, bal, old, True))}  time {ms(old_t)}"
    )
    print(s.row("  same, extraction only (no rules)", pick(prec, bal, old, False)))
    print(s.row("dedup precision mode only, rules", pick(prec, bal, [False] * n, True)))
    prec_t = [a + b for a, b in zip(prec.extract_s, prec.rules_s, strict=True)]
    bal_t = [a + b for a, b in zip(bal.extract_s, bal.rules_s, strict=True)]
    print(
        s.row("dedup balanced mode only, rules", pick(prec, bal, [True] * n, True))
        + f"  time {ms(bal_t)}"
    )
    print(f"  (precision mode + rules time {ms(prec_t)}; both modes {ms(_both_modes_time(r))})")
    print(f"  best trafilatura configuration here: {best.strip()}")
    return r


def report_combinations(runs: list[SetRun]) -> None:
    print("\n== combinations: parameter chosen on one set, reported on the other")
    resili = "resiliparse main_content"
    families: list[tuple[str, Callable[[SetRun, float], list[bool]]]] = [
        ("relative fallback", lambda r, sh: relative_choice(r.prec, r.bal, sh)),
    ]
    if all(resili in r.peers for r in runs):
        families.append(
            (
                "agreement with Resiliparse",
                lambda r, sh: relative_choice(r.prec, r.bal, sh, r.peers[resili]),
            )
        )
    for fam, choose in families:
        for rules in (True, False):
            label = f"{fam}{'' if rules else ' (no rules)'}"
            sweep = {
                r.data.name: {
                    sh: r.data.f1(pick(r.prec, r.bal, choose(r, sh), rules)) for sh in SHARES
                }
                for r in runs
            }
            for name, row in sweep.items():
                print(f"  {label} on {name}: " + " ".join(f"{k:g}:{v:.4f}" for k, v in row.items()))
            for tune, rep in ((runs[0], runs[1]), (runs[1], runs[0])):
                best = max(SHARES, key=lambda sh: (sweep[tune.data.name][sh], -abs(sh - 0.5)))
                texts = pick(rep.prec, rep.bal, choose(rep, best), rules)
                d, sd = rep.data.delta(rep.peers[rep.best_peer], texts)
                print(f"  tuned on {tune.data.name} (s={best:g}), reported on {rep.data.name}:")
                print("    " + rep.data.row(f"{label} s={best:g}", texts))
                print(
                    f"    vs {rep.best_peer.strip()} (best trafilatura there): "
                    f"F1 {d:+.4f} ± {sd:.4f}"
                )


def report_site_folds(runs: list[SetRun]) -> None:
    """Two folds of trafilatura-dev's sites (alternate sites in sorted order):
    the share chosen on one fold's sites, scored on the other's."""
    for r in runs:
        if r.data.f1_on is None or r.data.sites is None:
            continue
        order = sorted(set(r.data.sites))
        fold_of = {site: k % 2 for k, site in enumerate(order)}
        folds = [[i for i, s in enumerate(r.data.sites) if fold_of[s] == f] for f in (0, 1)]
        texts = {sh: pick(r.prec, r.bal, relative_choice(r.prec, r.bal, sh), True) for sh in SHARES}
        best_peer = r.peers[r.best_peer]
        print(f"\n== {r.data.name}: relative fallback, share chosen on half the sites")
        for a, b in ((0, 1), (1, 0)):
            best = max(SHARES, key=lambda sh: (r.data.f1_on(texts[sh], folds[a]), -abs(sh - 0.5)))
            got = r.data.f1_on(texts[best], folds[b])
            peer = r.data.f1_on(best_peer, folds[b])
            print(
                f"  chosen on fold {a} (s={best:g}), fold {b} ({len(folds[b])} pages): "
                f"F1 {got:.4f}, {r.best_peer.strip()} {peer:.4f} ({got - peer:+.4f})"
            )


def report_rules(runs: list[SetRun], share: float) -> None:
    print(f"\n== line rules per reason, after the relative fallback s={share:g}")
    print("   (F1 change when one reason's cuts are put back; rules written from AEB + seeds)")
    for r in runs:
        ch = relative_choice(r.prec, r.bal, share)
        full = r.data.f1(pick(r.prec, r.bal, ch, True))
        none = r.data.f1(pick(r.prec, r.bal, ch, False))
        print(f"  {r.data.name}: rules on {full:.4f}, off {none:.4f}")
        reasons = sorted(
            {
                d.reason
                for run in (r.prec, r.bal)
                for ds in run.decisions
                for d in ds
                if d.label == "boilerplate" and d.reason
            }
        )
        for reason in reasons:
            f = r.data.f1(pick(r.prec, r.bal, ch, True, frozenset({reason})))
            print(f"    {reason:<18} put back: {f - full:+.4f}")


def check_offline_choice(runs: list[SetRun], share: float, n: int = 15) -> None:
    """The shipped extract_page on the first pages equals the offline pick."""
    from dedup.extract.html import extract_page

    config = BoilerplateConfig()
    same = total = 0
    for r in runs:
        choice = relative_choice(r.prec, r.bal, share)
        for k, it in enumerate(r.data.items[:n]):
            try:
                text = extract_page(it.html, config, it.url or None, fallback_share=share).text
            except HtmlExtractionError:
                text = ""
            expect = (r.bal if choice[k] else r.prec).texts[k]
            same += text == expect
            total += 1
    print(f"\nshipped extract_page (s={share:g}) equals the offline choice on {same}/{total} pages")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="pages per set (default all)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/dedup-html-peers"))
    args = ap.parse_args()
    from dedup.extract.html import FALLBACK_SHARE

    runs = [run_set(aeb_set(args.limit), args.cache), run_set(dev_set(args.limit), args.cache)]
    print(f"\n== dedup as shipped (relative fallback s={FALLBACK_SHARE:g}, rules)")
    for r in runs:
        texts = pick(r.prec, r.bal, relative_choice(r.prec, r.bal, FALLBACK_SHARE), True)
        d, sd = r.data.delta(r.peers[r.best_peer], texts)
        print(r.data.row(f"dedup s={FALLBACK_SHARE:g} on {r.data.name}", texts))
        print(
            f"    vs {r.best_peer.strip()}: F1 {d:+.4f} ± {sd:.4f}; time {ms(_both_modes_time(r))}"
        )
    report_combinations(runs)
    report_site_folds(runs)
    report_rules(runs, FALLBACK_SHARE)
    check_offline_choice(runs, FALLBACK_SHARE)


if __name__ == "__main__":
    main()
