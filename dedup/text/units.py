"""Passage units with exact character offsets, and word counts.

Every span is a half-open ``(start, end)`` pair of Python string indices into the
text it was computed from, trimmed of surrounding whitespace, so that
``text[start:end]`` is exactly the passage and removals can be accounted for
losslessly.

Lines are paragraphs in our plain-text inputs, so no sentence, window or
paragraph ever crosses a line break. A line break is anything
:meth:`str.splitlines` splits on (``\\n``, ``\\r\\n``, ``\\r``, ``\\x0b``, ``\\x0c``,
``\\x1c``-``\\x1e``, ``\\x85``, U+2028, U+2029), so every layer of the tool agrees
with Python on what a line is.

Sentence boundaries come from `sentencex` (Wikimedia's splitter, a Rust
extension with abbreviation lists for ~300 languages) and are then nudged so
that quote marks stay with the sentence they belong to.

>>> text = "Gen. Hossein Rahimi spoke at 8 p.m. on Friday. U.S. Rep. Adam Schiff replied."
>>> [text[s:e] for s, e in sentence_spans(text)]
['Gen. Hossein Rahimi spoke at 8 p.m. on Friday.', 'U.S. Rep. Adam Schiff replied.']
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Literal

import sentencex

logger = logging.getLogger(__name__)

# Marks that open a quotation or parenthesis. When the splitter leaves one at the
# end of a sentence ('... he said. "Terror ...') it belongs to the next sentence.
# Straight quotes are ambiguous, so they only move when whitespace precedes them.
_OPENERS = frozenset("\"'“‘«„‚‹「『（([{¿¡")
# Marks that close a quotation or parenthesis. When one starts a sentence and is
# followed by whitespace ('... attack.” He ...' split before the ”), it belongs to
# the previous sentence.
_CLOSERS = frozenset("\"'”’»›」』）)]}")

# Python's line boundaries (see str.splitlines); a sentence never spans one.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_LINE_BREAK_RE = re.compile("[" + "".join(sorted(_LINE_BREAKS)) + "]")

# \w+ is linear by construction (a single character class under one quantifier),
# so the stdlib engine cannot backtrack catastrophically on it.
_WORD_RE = re.compile(r"\w+")
# Han ideographs, Hiragana and Katakana: scripts written without spaces between words.
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def _check_range(text: str, start: int, end: int | None) -> int:
    if end is None:
        end = len(text)
    if not (0 <= start <= end <= len(text)):
        raise ValueError(
            f"span [{start}, {end}) is not inside the text (0..{len(text)} characters)"
        )
    return end


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield ``(line_start, line_end)`` of each line of ``text[start:end]``, breaks excluded."""
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        stop = pos + len(line)
        content_end = stop
        # "\r\n" is one break of two characters; every other break is one character.
        if line.endswith("\r\n"):
            content_end -= 2
        elif line[-1] in _LINE_BREAKS:
            content_end -= 1
        yield pos, content_end
        pos = stop


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace (empty when all space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _raw_cuts(line: str, language: str) -> list[int]:
    """Sentence end offsets inside ``line`` as the splitter sees them."""
    bounds = sentencex.get_sentence_boundaries(language, line)
    cuts: list[int] = []
    matched = True
    # One plain loop (no generator, no second pass): this runs once per line
    # of every document, so its overhead is a visible share of the analysis.
    for b in bounds:
        s, e = b.get("start_index"), b.get("end_index")
        if not (isinstance(s, int) and isinstance(e, int) and line[s:e] == b.get("text")):
            matched = False
            break
        cuts.append(e)
    if not matched:
        # The offsets did not index our string (a different unit, or a library
        # change): place each segment's text by searching forward instead.
        logger.debug("sentencex offsets did not match the text; locating segments by search")
        cuts = []
        cursor = 0
        for b in bounds:
            piece = str(b.get("text", "")).strip()
            if not piece:
                continue
            found = line.find(piece, cursor)
            if found < 0:
                break  # the rest of the line stays one sentence: nothing is lost
            cursor = found + len(piece)
            cuts.append(cursor)
    n = len(line)
    return sorted({c for c in cuts if 0 < c < n})


def _adjust_cut(line: str, cut: int) -> int:
    """Move one boundary so quote marks stay with their own sentence."""
    n = len(line)
    # A closing mark (and only closers) between the boundary and the next space
    # belongs to the sentence before: '... attack.|” He' -> '... attack.”| He'.
    j = cut
    while j < n and line[j].isspace():
        j += 1
    k = j
    while k < n and line[k] in _CLOSERS:
        k += 1
    if k > j and (k == n or line[k].isspace()):
        return k
    # An opening mark left at the end of a sentence, after a space, belongs to
    # the sentence after: 'said in a statement. "|Terror' -> 'statement. |"Terror'.
    j = cut
    while j > 0 and line[j - 1].isspace():
        j -= 1
    k = j
    while k > 0 and line[k - 1] in _OPENERS:
        k -= 1
    if k < j and (k == 0 or line[k - 1].isspace()):
        return k
    return cut


def _after_initial(line: str, cut: int) -> bool:
    """Whether the text before ``cut`` ends in a lone capital and a full stop.

    "M. Dupont", "W. Africa", "J. R. R. Tolkien": an initial almost never ends a
    sentence. sentencex knows this for English but its lists for other languages
    (French "M.") do not, so the rule is applied for every language.
    """
    j = cut
    while j > 0 and line[j - 1].isspace():
        j -= 1
    return (
        j >= 2
        and line[j - 1] == "."
        and line[j - 2].isupper()
        and (j == 2 or line[j - 3].isspace() or line[j - 3] in _OPENERS)
    )


def _line_sentences(text: str, ls: int, le: int, language: str) -> list[tuple[int, int]]:
    line = text[ls:le]
    if not line.strip():
        return []
    cuts = sorted(
        {_adjust_cut(line, c) for c in _raw_cuts(line, language) if not _after_initial(line, c)}
    )
    bounds = [0, *(c for c in cuts if 0 < c < len(line)), len(line)]
    pieces: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(bounds):
        s, e = _trim(line, a, b)
        if s == e:
            continue
        if pieces and not _WORD_RE.search(line, s, e):
            # A fragment without a letter or digit ("...", a lone quote mark) is
            # punctuation the splitter cut off; it stays with the sentence before.
            pieces[-1] = (pieces[-1][0], e)
            continue
        if len(pieces) == 1 and not _WORD_RE.search(line, *pieces[0]):
            pieces[0] = (pieces[0][0], e)  # same, for a fragment that opens the line
            continue
        pieces.append((s, e))
    return [(ls + s, ls + e) for s, e in pieces]


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, language: str = "en"
) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as ``(s, e)`` offsets into ``text``.

    Spans are trimmed of whitespace, in order, non-overlapping, never cross a
    line break, and together cover every non-space character of the range.
    ``language`` is an ISO 639 code ("en", "de", "pt-BR": the region is ignored)
    choosing the abbreviation list ("Gen.", "z. B."); unknown codes fall back to
    English. A quotation of several sentences stays one sentence when its marks
    are balanced ('“Brotherly Azerbaijan is not alone. Our support ...”'), as
    sentencex does not split inside quotes.

    >>> t = "“We demand justice,” Aliyev said. He identified 1st Lt. Askarov.\\n3.5 percent."
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['“We demand justice,” Aliyev said.', 'He identified 1st Lt. Askarov.', '3.5 percent.']
    >>> sentence_spans("Go home. Now run.", 3)
    [(3, 8), (9, 17)]
    """
    if not isinstance(language, str) or not language.strip():
        raise ValueError(f"language must be a language code such as 'en', got {language!r}")
    end = _check_range(text, start, end)
    return sentence_spans_many(text, [(start, end)], language)


def sentence_spans_many(
    text: str, ranges: Sequence[tuple[int, int]], language: str = "en"
) -> list[tuple[int, int]]:
    """:func:`sentence_spans` of each of ``ranges`` (in order), concatenated.

    The language is read and the ranges checked once for the whole list, and a
    range without a line break (the usual content line) skips the line split:
    the passage analysis calls this once per document instead of once per line.

    >>> t = "Go home. Now run.\\nSit."
    >>> sentence_spans_many(t, [(0, 17), (18, 22)])
    [(0, 8), (9, 17), (18, 22)]
    """
    if not isinstance(language, str) or not language.strip():
        raise ValueError(f"language must be a language code such as 'en', got {language!r}")
    # sentencex knows "de" but falls back to English for "de-DE": keep the primary subtag.
    lang = language.strip().lower().replace("_", "-").split("-")[0]
    spans: list[tuple[int, int]] = []
    for start, end in ranges:
        _check_range(text, start, end)
        if _LINE_BREAK_RE.search(text, start, end) is None:
            spans.extend(_line_sentences(text, start, end, lang))
            continue
        for ls, le in _lines(text, start, end):
            spans.extend(_line_sentences(text, ls, le, lang))
    return spans


def paragraph_spans(text: str, mode: Literal["line", "block"] = "line") -> list[tuple[int, int]]:
    """Paragraphs of ``text`` as trimmed ``(s, e)`` offsets, empty ones skipped.

    ``mode="line"`` (our plain-text inputs): every non-blank line is a paragraph,
    so blank lines separate paragraphs too. ``mode="block"`` (hard-wrapped text):
    a paragraph is a run of non-blank lines between blank lines.

    >>> paragraph_spans("  One.  \\n\\nTwo\\nthree.\\n")
    [(2, 6), (10, 13), (14, 20)]
    >>> paragraph_spans("  One.  \\n\\nTwo\\nthree.\\n", mode="block")
    [(2, 6), (10, 20)]
    """
    if mode not in ("line", "block"):
        raise ValueError(f"paragraph mode must be 'line' or 'block', got {mode!r}")
    spans: list[tuple[int, int]] = []
    block: tuple[int, int] | None = None
    for ls, le in _lines(text, 0, len(text)):
        s, e = _trim(text, ls, le)
        if s == e:
            if block is not None:
                spans.append(block)
                block = None
            continue
        if mode == "line":
            spans.append((s, e))
        else:
            block = (s, e) if block is None else (block[0], e)
    if block is not None:
        spans.append(block)
    return spans


def window_spans(
    sentences: Sequence[tuple[int, int]], k: int, text: str | None = None
) -> list[tuple[int, int]]:
    """Windows of ``k`` consecutive sentences, step 1, never spanning two paragraphs.

    With ``text``, a line break between two sentences starts a new paragraph;
    without it, all sentences are taken as one paragraph. A paragraph with fewer
    than ``k`` sentences gives one window of all of them, so short paragraphs
    are still passages.

    >>> t = "Go on. Sit down. Eat up.\\nBye now."
    >>> window_spans(sentence_spans(t), 2, t)
    [(0, 16), (7, 24), (25, 33)]
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"window size k must be a positive integer, got {k!r}")
    for i, (s, e) in enumerate(sentences):
        if s > e or (i and s < sentences[i - 1][1]):
            raise ValueError(
                f"sentences must be ordered, non-overlapping (s, e) spans; "
                f"span {i} {(s, e)!r} breaks that"
            )
    paragraphs: list[list[tuple[int, int]]] = []
    for span in sentences:
        if paragraphs and not (
            text is not None
            and any(c in _LINE_BREAKS for c in text[paragraphs[-1][-1][1] : span[0]])
        ):
            paragraphs[-1].append(span)
        else:
            paragraphs.append([span])
    windows: list[tuple[int, int]] = []
    for para in paragraphs:
        if len(para) <= k:
            windows.append((para[0][0], para[-1][1]))
            continue
        windows.extend((para[i][0], para[i + k - 1][1]) for i in range(len(para) - k + 1))
    return windows


def word_count(text: str, *, cjk_chars: bool = False) -> int:
    """Number of ``\\w+`` tokens.

    Chinese and Japanese put no spaces between words, so a whole sentence is one
    ``\\w+`` token; ``cjk_chars=True`` counts each Han/kana character as a token
    instead, which keeps a token minimum meaningful for those scripts.

    >>> word_count("He said, 3.5 times.")
    5
    >>> word_count("我们今天去公园。"), word_count("我们今天去公园。", cjk_chars=True)
    (1, 7)
    """
    # Without a Han/kana character anywhere, every token counts once: one
    # compiled pass instead of a CJK search per token (the common case).
    if not cjk_chars or _CJK_RE.search(text) is None:
        return len(_WORD_RE.findall(text))
    count = 0
    for m in _WORD_RE.finditer(text):
        token = m.group()
        cjk = len(_CJK_RE.findall(token))
        if cjk == 0:
            count += 1
        else:
            # Each CJK character is a token; the non-CJK runs between them count once each.
            count += cjk + sum(1 for part in _CJK_RE.split(token) if part)
    return count


def span_word_counts(
    text: str, spans: Sequence[tuple[int, int]], *, cjk_chars: bool = False
) -> list[int]:
    """:func:`word_count` of ``text[s:e]`` for each span, without slicing.

    One search for Han/kana over the whole text decides the common case: with
    none, each count is one compiled ``findall`` over the span in place.

    >>> span_word_counts("He said, 3.5 times. 我们", [(0, 8), (9, 19), (20, 22)], cjk_chars=True)
    [2, 3, 2]
    """
    if cjk_chars and _CJK_RE.search(text) is not None:
        return [word_count(text[s:e], cjk_chars=True) for s, e in spans]
    findall = _WORD_RE.findall
    return [len(findall(text, s, e)) for s, e in spans]
