"""Bytes of an HTML page to text without ever skipping a decodable page.

Pages lie about their encoding: a page declaring ``charset=gb2312`` (or
``iso-8859-1``, or ``ascii``) is often UTF-8, because the template's <meta>
was copied and the content management system writes UTF-8. The order, so a
real page is never skipped:

1. a byte-order mark (UTF-8, UTF-16);
2. valid UTF-8 wins: bytes that decode as UTF-8 and hold any byte above
   0x7F are almost never text in another encoding (multi-byte UTF-8
   sequences are improbable in legacy single- and double-byte encodings);
3. the charset the page declares (``<meta charset>`` or ``http-equiv``), if
   Python knows it and the bytes decode with it;
4. detection (charset_normalizer, a trafilatura dependency) on the first
   64 KB;
5. cp1252 with undecodable bytes replaced: every byte string decodes, so no
   page is lost for its encoding; the caller says which decoding it took.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import regex

# Linear by construction: one bounded character class, no nesting.
_META_CHARSET = regex.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-:.]{1,40})""", regex.I)
# A <meta charset> naming one of these cannot be true (the meta itself was
# readable as ASCII), so HTML5 reads the page as UTF-8; UTF-7 is refused by
# browsers because it smuggles markup past filters.
_META_MEANS_UTF8 = frozenset(
    {"utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "utf-7", "unicode"}
)
_DETECT_BYTES = 65_536
# A page of real markup has a NUL now and then (a broken CMS writes some);
# a binary file renamed .html has them in bulk, or no markup at all.
_BINARY_NUL_SHARE = 0.05


@dataclass(frozen=True)
class Decoded:
    """The text and how it was obtained: ``how`` is ``bom``, ``utf-8``,
    ``declared``, ``detected`` or ``fallback``; ``declared`` is the page's own
    claim (lower-cased), if any."""

    text: str
    encoding: str
    how: str
    declared: str | None

    def note(self) -> str | None:
        """A message for the error log when neither UTF-8 nor the page's own
        claim fit the bytes (the text may then be off), else None. A page
        declaring one charset and being valid UTF-8 is common and read right."""
        if self.how == "detected":
            return (
                f"the bytes do not fit the declared charset ({self.declared or 'none'}) nor "
                f"UTF-8: read as {self.encoding} (detected), page kept"
            )
        if self.how == "fallback":
            return (
                f"no charset fits the bytes (declared: {self.declared or 'none'}): read as "
                "cp1252 with bad bytes replaced, page kept; convert the file to UTF-8"
            )
        return None


def codecs_name(label: str) -> str | None:
    """Python's canonical codec name of an encoding label, or None if unknown.

    >>> codecs_name("GB2312"), codecs_name("latin1"), codecs_name("x-nonsense")
    ('gb2312', 'iso8859-1', None)
    """
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(raw: bytes) -> str | None:
    """The charset named in the first 4 KB of the markup, lower-cased, or None.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb2312'
    """
    m = _META_CHARSET.search(raw[:4096])  # linear, and 4 KB at most
    return m.group(1).decode("ascii").lower() if m else None


def looks_binary(raw: bytes) -> bool:
    """Many NUL bytes at the start, or no "<" there (and no UTF-16 byte-order
    mark): not a page.

    >>> looks_binary(b"<p>a\\x00b</p>" + b"x" * 500), looks_binary(b"\\x89PNG\\x00\\x00\\x00\\x0d")
    (False, True)
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    head = raw[:8192]
    return b"<" not in head or head.count(b"\x00") > _BINARY_NUL_SHARE * max(1, len(head))


def decode_html(raw: bytes) -> Decoded:
    """Decode an HTML page; never fails (see the module docstring for the order).

    >>> page = '<meta charset="gb2312"><p>caf\\u00e9 \\u4e2d\\u6587</p>'.encode()
    >>> d = decode_html(page); d.text[-8:], d.how, d.note()
    ('é 中文</p>', 'utf-8', None)
    >>> decode_html('<meta charset="gb2312"><p>\\u4e2d\\u6587</p>'.encode("gb2312")).how
    'declared'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return Decoded(raw[3:].decode("utf-8", errors="replace"), "utf-8", "bom", None)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(raw.decode("utf-16", errors="replace"), "utf-16", "bom", None)
    declared = declared_charset(raw)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", "utf-8", declared)
    except UnicodeDecodeError:
        pass
    name = None if declared is None or declared in _META_MEANS_UTF8 else codecs_name(declared)
    if name is not None:
        try:
            return Decoded(raw.decode(name), name, "declared", declared)
        except UnicodeDecodeError:
            pass
    detected = _detect(raw)
    if detected is not None:
        try:
            return Decoded(raw.decode(detected), detected, "detected", declared)
        except UnicodeDecodeError:  # detection looked at the head only
            pass
    return Decoded(raw.decode("cp1252", errors="replace"), "cp1252", "fallback", declared)


def _detect(raw: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - trafilatura depends on it
        return None
    best = from_bytes(raw[:_DETECT_BYTES]).best()
    return None if best is None else codecs_name(best.encoding)
