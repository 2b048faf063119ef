"""Every regex in the package against input built to make it backtrack.

The patterns are found by importing every module of the package and
collecting its compiled patterns, and checked against a grep of the sources,
so a new pattern is covered the day it is added. Each one gets generic
hostile strings (long runs of each character class, and of every word of the
pattern with every separator, which is what drives alternations and bounded
repeats into backtracking) plus hand-built strings for the patterns with the
most room to backtrack. A call must finish within two seconds, or (patterns
of the ``regex`` package) raise TimeoutError cleanly; the rule functions that
call them must keep the line when a match times out.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import re
import time
from pathlib import Path
from typing import Any

import pytest
import regex

import dedup
from dedup import Config, clean_records
from dedup.boilerplate.rules import RuleSet, line_rule

PACKAGE = Path(dedup.__file__).parent
# Modules that need optional services or run the CLI on import.
SKIP_MODULES = ("dedup.__main__", "dedup.engines.ray", "dedup.index.redis")
N = 10_000  # characters per hostile string: a quadratic pattern takes seconds at this size
LIMIT_S = 2.0


def compiled_patterns() -> dict[str, Any]:
    # Every name, even when two names share one object (the regex package
    # hands out one compiled object for equal patterns).
    found: dict[str, Any] = {}
    for info in pkgutil.walk_packages(dedup.__path__, "dedup."):
        if info.name.startswith(SKIP_MODULES):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, (re.Pattern, regex.Pattern)):
                found[f"{info.name}.{name}"] = value
            elif isinstance(value, RuleSet):  # the line rules, compiled from their table
                for rule, pattern in value.patterns.items():
                    found[f"{info.name}.{name}.{rule}"] = pattern
    return found


PATTERNS = compiled_patterns()
_ASSIGNED = re.compile(r"^(_?[A-Z][A-Z0-9_]*)\s*=\s*(?:re|regex)\.compile\(", re.M)


def test_every_compiled_pattern_in_the_sources_is_checked():
    in_sources = set()
    for path in PACKAGE.rglob("*.py"):
        module = "dedup." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        if module.startswith(SKIP_MODULES):
            continue
        for name in _ASSIGNED.findall(path.read_text(encoding="utf-8")):
            in_sources.add(f"{module}.{name}")
    assert in_sources, "the grep found no pattern at all"
    assert in_sources <= set(PATTERNS), sorted(in_sources - set(PATTERNS))
    # Patterns compiled inside functions would escape this test: there are none.
    inline = re.compile(r"^[ \t]+\w+\s*=\s*(?:re|regex)\.compile\(", re.M)
    for path in PACKAGE.rglob("*.py"):
        assert not inline.search(path.read_text(encoding="utf-8")), path


def _words_of(pattern: Any) -> list[str]:
    src = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin1")
    return sorted(set(re.findall(r"[^\W\d_]{2,}", src)))[:60]


GENERIC = ["a", "A", " ", "1", "/", "[", "(", "<", "@", ".", "-", "é", "\t", "a ", "A ", "1 ",
           "1.", ": ", "aA", "a=", "[a/", "by A ", "A, "]  # fmt: skip


def hostile_strings(pattern: Any) -> list[str]:
    out = [unit * (N // len(unit)) for unit in GENERIC]
    for w in _words_of(pattern):
        for sep in (" ", ":"):
            out.append((w + sep) * (N // (len(w) + 1)))
        out.append(w + " " * N)
        out.append(w.capitalize() + " " + "x" * N)
    return out


# Hand-built worst cases for the patterns whose bounded repeats nest or follow
# one another (the most room to backtrack), keyed by pattern name.
CRAFTED: dict[str, list[str]] = {
    "dedup.boilerplate.rules.RULES.credits": [
        "a" + " b" * 40 + " writers" + " c" * 150 + " no" * 10,
        ("Reporters " * 9 + "writer ") * 300,
    ],
    "dedup.boilerplate.rules.RULES.follow": ["Follow " + "x " * 100 + "@" * N, "like " + "-" * N],
    "dedup.boilerplate.rules._CAPTION_BRACKET": ["[" + "/" * 249, "[" + " photo " * 35, "(" * N],
    "dedup.boilerplate.rules._SLASH_BRACKET": ["[" + "/" * 249, "[a/" * N],
    "dedup.boilerplate.lines._DATELINE": [
        ("AB " * 40)[:119],
        "Abc" + " Abc" * 30 + ", x" * 30,
        "WASHINGTON" + " (AP" * 30,
    ],
    "dedup.boilerplate.rules.RULES.byline": [
        "By " + "Ab, " * 2000 + ".",
        "By A" + " and" * 5000 + ".",
    ],
    "dedup.boilerplate.lines._DATE_LINE": ["1 " * 45 + "x", "January, " * 9 + "x", "12:30 " * 14],
    "dedup.boilerplate.lines._DATE_CORE": ["1 " * N, "Jan " * 5000, "Updated " + "1" * 20 + ":"],
    "dedup.boilerplate.rules.RULES.tagged_link": [" [ABCDEFGHIJKL ABCDEFGHIJK" * 800],
    "dedup.boilerplate.rules.RULES.contact": [
        "a" * 64 + "@" + ("b" * 63 + ".") * 100,
        "contact A" * 2000,
    ],
    "dedup.boilerplate.rules.RULES.tagline": ["serving " + "a " * 15 + "since 19" * 2000],
    "dedup.boilerplate.rules.RULES.social": ["facebook | " * 3000 + "x", "share the " + "a" * N],
    "dedup.boilerplate.rules.RULES.link_lead": ["[ read more " + " " * 3 + ":" * N],
    "dedup.boilerplate.rules.RULES.anchored_union": ["Follow " + "a" * N, "By " + "Ab " * 6000],
    "dedup.extract.html._LONG_TAG": ["<" + "a=" * N, "<a " * N, "<" + "x" * 50_000],
    "dedup.extract.roles._CAMEL": ["aA" * N],
    "dedup.report.cluster_view._TOKEN_RE": [" \t" * N],
    "dedup.io.charset._META_CHARSET": ["charset" + " " * N + "=" + " " * N],
}


def _call(pattern: Any, method: str, s: str) -> None:
    subject: str | bytes = s.encode("utf-8") if isinstance(pattern.pattern, bytes) else s
    if isinstance(pattern, regex.Pattern):
        with contextlib.suppress(TimeoutError):  # a clean timeout is acceptable
            getattr(pattern, method)(subject, timeout=1.0)
    else:
        getattr(pattern, method)(subject)


def test_crafted_cases_name_real_patterns():
    assert set(CRAFTED) <= set(PATTERNS), sorted(set(CRAFTED) - set(PATTERNS))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_finishes_quickly_on_hostile_input(name: str):
    pattern = PATTERNS[name]
    worst = (0.0, "", "")
    for s in CRAFTED.get(name, []) + hostile_strings(pattern):
        for method in ("match", "search"):
            started = time.perf_counter()
            _call(pattern, method, s)
            took = time.perf_counter() - started
            if took > worst[0]:
                worst = (took, method, s[:60])
    assert worst[0] < LIMIT_S, f"{name}.{worst[1]} took {worst[0]:.2f} s on {worst[2]!r}..."


def test_line_rules_finish_quickly_on_every_hostile_line():
    # The rules as the classifier calls them, every rule forced on (gate=False).
    lines = sorted({s for v in CRAFTED.values() for s in v if s.strip()}, key=len)
    started = time.perf_counter()
    for s in lines:
        for position in (0, 10):
            line_rule(s.strip(), len(s.split()), 1.0, position, gate=False)
    assert time.perf_counter() - started < 10


def test_a_document_of_hostile_lines_is_cleaned_quickly():
    text = "\n".join(s.strip() for v in CRAFTED.values() for s in v if s.strip())
    started = time.perf_counter()
    result = clean_records(
        [{"id": "x", "text": text}], Config().replace(run={"workers": 1, "quiet": True})
    )
    assert time.perf_counter() - started < 30
    assert [d["id"] for d in result.documents] == ["x"]


def test_a_timed_out_rule_keeps_the_line_and_the_run_goes_on(caplog: pytest.LogCaptureFixture):
    # A timeout too short for any match: every rule times out, nothing crashes,
    # and lines are kept ("no evidence" is the safe failure).
    config = Config().replace(
        run={"workers": 1, "quiet": True}, boilerplate={"regex_timeout_s": 1e-9}
    )
    text = "Read more: Something happened elsewhere today\nA real sentence of some length here."
    result = clean_records([{"id": "a", "text": text}], config)
    assert result.documents[0]["text"] == text
    assert any("timed out" in r.getMessage() for r in caplog.records)
