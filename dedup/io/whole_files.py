"""Text and HTML files: one document per file, read whole.

A file is refused before it is read when it certainly holds more than
``input.max_chars`` characters, and skipped with a reason (binary data,
undecodable bytes, NUL characters) rather than raising, so one bad file
never loses the rest of the input. HTML is never skipped for its encoding
(:mod:`dedup.io.charset` decides it).
"""

from __future__ import annotations

import zlib
from pathlib import Path

from dedup.config import InputConfig
from dedup.documents import Document
from dedup.io.charset import decode_html, looks_binary
from dedup.io.counter import InputCounter
from dedup.io.errors import ErrorLog
from dedup.io.formats import TooLarge, read_bytes

__all__ = ["decode_text", "read_whole", "report_decode", "too_big_message"]


def read_whole(
    path: Path,
    doc_id: str,
    site: str | None,
    is_html: bool,
    config: InputConfig,
    errors: ErrorLog,
    counter: InputCounter,
) -> Document | None:
    source = path.as_posix()
    try:
        # No encoding we read takes more than 4 bytes a character: a file this
        # big is over the limit whatever it holds, so refuse it before reading
        # it all into memory (a stray multi-GB log in an input directory, or a
        # gzip bomb: decompression stops at the limit).
        raw = read_bytes(path, 4 * config.max_chars)
    except TooLarge as exc:
        errors.add(source, None, too_big_message(config, exc))
        return None
    except OSError as exc:
        errors.add(source, None, f"cannot read: {exc.strerror or exc}")
        return None
    except (EOFError, zlib.error) as exc:
        errors.add(source, None, f"gzip data is damaged or truncated ({exc}): skipped")
        return None
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    # HTML: a few NULs in real markup are stripped (and counted) by the extractor.
    if b"\x00" in raw[:8192] and not utf16 and (not is_html or looks_binary(raw)):
        errors.add(
            source,
            None,
            "binary file (NUL bytes), not text: skipped; remove it from the input directory",
        )
        return None
    if is_html:  # never skipped for its encoding: see dedup.io.charset
        decoded = decode_html(raw)
        if decoded.note() is not None:
            errors.add(source, None, str(decoded.note()))
        text: str | None = decoded.text
    else:
        text = decode_text(raw, source, errors)
    if text is None:
        return None
    if not text.strip():
        if is_html:
            errors.add(source, None, "empty file: no HTML in it: skipped")
            return None
        # Not an error: kept as an empty document (one output record per input).
        errors.note("empty_documents", source, None)
    if len(text) > config.max_chars:
        errors.add(
            source,
            None,
            f"document has {len(text):,} characters, over input.max_chars "
            f"({config.max_chars:,}): skipped; raise the limit to process it",
        )
        return None
    if "\x00" in text and not is_html:
        errors.add(
            source,
            None,
            f"NUL character at offset {text.index(chr(0))} (binary content?): skipped; "
            "strip NUL characters from the file",
        )
        return None
    return Document(
        doc_id=doc_id,
        text=text,
        order=counter.take(),
        source=source,
        line=None,
        fields={},
        site=site,
        html=is_html,
    )


def decode_text(raw: bytes, source: str, errors: ErrorLog) -> str | None:
    """Text of a whole text file: a byte-order mark wins, then UTF-8 (HTML: dedup.io.charset).

    >>> decode_text("h\\u00e9".encode("utf-16"), "x.txt", ErrorLog())
    'hé'
    """
    encoding = "utf-8"
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # the codec reads and drops the BOM
    try:
        return raw.decode(encoding)
    except LookupError:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report_decode(raw, exc, source, "utf-8", errors)
            return None
    except UnicodeDecodeError as exc:
        report_decode(raw, exc, source, encoding, errors)
        return None


def report_decode(
    raw: bytes, exc: UnicodeDecodeError, source: str, encoding: str, errors: ErrorLog
) -> None:
    line = raw.count(b"\n", 0, exc.start) + 1
    declared = "" if encoding == "utf-8" else f" (the file declares {encoding})"
    errors.add(
        source,
        line,
        f"undecodable bytes (not {'UTF-8' if encoding == 'utf-8' else encoding}){declared} "
        f"at byte {exc.start}: skipped; "
        "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
    )


def too_big_message(config: InputConfig, exc: TooLarge) -> str:
    what = "gzip data that decompresses" if exc.size is None else f"file of {exc.size:,} bytes"
    return (
        f"{what} certainly over input.max_chars ({config.max_chars:,} characters): "
        "skipped; raise the limit to process it"
    )
