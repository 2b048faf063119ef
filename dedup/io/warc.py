"""WARC and WET input (Common Crawl): one document per ``response`` or ``conversion`` record.

- a WARC ``response`` record whose HTTP payload is HTML becomes an HTML
  document, extracted like an .html file (the pipeline's extraction stage);
- a WET ``conversion`` record is plain text (Common Crawl's own extraction);
- ``url`` and ``date`` (``input.url_field`` / ``input.date_field``) come from
  the ``WARC-Target-URI`` and ``WARC-Date`` headers, the document id is the
  ``WARC-Record-ID`` without its angle brackets (``urn:uuid:...``);
- other record types (warcinfo, request, metadata, revisit) hold no document
  and are counted, not reported; a response that is not HTML (an image, a
  PDF), and a truncated or undecodable record, are reported with the file and
  the record's byte offset, and the rest of the file is still read.

The file is streamed (fastwarc reads one gzip member at a time), never loaded
whole. A damaged gzip member ends fastwarc's iterator, so the reader looks for
the next gzip member after the damage and carries on from there.

The ``line`` of a WARC document (in ``file:line`` messages and ``"<file>:<line>"``
ids) is its record's position in the file, counting every record from 1.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from dedup.config import InputConfig
from dedup.documents import Document
from dedup.io.charset import decode_html
from dedup.io.dates import normalise_date
from dedup.io.errors import ErrorLog
from dedup.io.formats import GZIP_MAGIC
from dedup.io.ids import IdRegistry
from dedup.io.urls import site_of_url


class _Counter(Protocol):
    """What the readers' counter gives a WARC reader: ids, and input-order positions."""

    ids: IdRegistry

    def take(self) -> int: ...


WARC_MAGIC = b"WARC/1."
# HTTP Content-Types read as HTML pages (what a browser would render as a page).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml"})
# The longest HTTP header block we parse; real ones are a few KB.
_MAX_HTTP_HEADER = 64 * 1024
# How far past a damaged gzip member to look for the next one.
_RESYNC_CHUNK = 1 << 20


def looks_like_warc(head: bytes) -> bool:
    """Whether a file's first bytes are a WARC record, plain or gzipped.

    >>> looks_like_warc(b"WARC/1.0\\r\\nWARC-Type: warcinfo"), looks_like_warc(b"{}")
    (True, False)
    >>> looks_like_warc(gzip.compress(b"WARC/1.1\\r\\n"))
    True
    """
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, len(WARC_MAGIC))
        except zlib.error:
            return False
    return head.startswith(WARC_MAGIC)


def sniff_warc(path: Path) -> bool:
    """Whether the file at ``path`` starts like a WARC file (by its bytes, not its name)."""
    try:
        with path.open("rb") as fh:
            return looks_like_warc(fh.read(512))
    except OSError:
        return False


def _fastwarc() -> Any:
    try:
        from fastwarc import warc
    except ImportError as exc:  # an optional extra: say how to get it
        raise ImportError(
            "reading WARC/WET files needs fastwarc: pip install 'dedup[warc]'"
        ) from exc
    return warc


def split_http(block: bytes) -> tuple[dict[str, str], bytes] | None:
    """The HTTP headers (lower-case names) and body of a response block, or None.

    >>> split_http(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>x")
    ({'content-type': 'text/html'}, b'<p>x')
    >>> split_http(b"no http here") is None
    True
    """
    if not block.startswith(b"HTTP/"):
        return None
    end = block.find(b"\r\n\r\n", 0, _MAX_HTTP_HEADER)
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n", 0, _MAX_HTTP_HEADER), 2
        if end < 0:
            return None
    headers: dict[str, str] = {}
    for raw in block[:end].split(b"\n")[1:]:
        name, colon, value = raw.partition(b":")
        if colon:
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return headers, block[end + sep :]


def _dechunk(body: bytes) -> bytes:
    """An HTTP/1.1 chunked body, joined; raises ValueError when malformed.

    >>> _dechunk(b"3\\r\\nabc\\r\\n2;x=1\\r\\nde\\r\\n0\\r\\n\\r\\n")
    b'abcde'
    """
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise ValueError("chunk size line without an end")
        size = int(body[pos:eol].split(b";", 1)[0].strip() or b"x", 16)
        if size == 0:
            return bytes(out)
        out += body[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


def decode_payload(headers: dict[str, str], body: bytes) -> bytes:
    """The body as the server meant it: chunked transfer and gzip/deflate/br undone.

    Common Crawl stores payloads already decoded (the original header renamed
    ``X-Crawler-*``); other crawlers keep them as sent. Raises ValueError on an
    encoding we cannot undo.
    """
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    for coding in reversed(
        [c.strip().lower() for c in headers.get("content-encoding", "").split(",")]
    ):
        if coding in ("", "identity"):
            continue
        try:
            if coding in ("gzip", "x-gzip"):
                body = gzip.decompress(body)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:  # raw deflate, as some servers send it
                    body = zlib.decompress(body, -zlib.MAX_WBITS)
            elif coding == "br":
                import brotli  # fastwarc's own dependency

                body = brotli.decompress(body)
            else:
                raise ValueError(f"unsupported Content-Encoding {coding!r}")
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"Content-Encoding {coding} does not decode ({exc})") from exc
    return body


def read_warc(
    path: Path, config: InputConfig, errors: ErrorLog, counter: _Counter
) -> Iterator[Document]:
    """The documents of one WARC or WET file, plain or gzipped, in file order."""
    warc = _fastwarc()
    source = path.as_posix()
    wanted = warc.WarcRecordType.response | warc.WarcRecordType.conversion
    state = _State()
    try:
        fh = path.open("rb")
    except OSError as exc:
        errors.add(source, None, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        base = 0
        while True:
            fh.seek(base)
            records = warc.ArchiveIterator(
                # From the start, fastwarc opens the file itself (its native
                # stream is faster than a Python file object); after damage it
                # reads on from where the Python file stands.
                str(path) if base == 0 else fh,
                record_types=warc.WarcRecordType.any_type,
                parse_http=False,
                fsspec_args=False,
            )
            try:
                for record in records:
                    state.number += 1
                    state.offset = base + record.stream_pos
                    if not int(record.record_type) & int(wanted):
                        state.other += 1
                        continue
                    doc = _to_document(record, source, state, config, errors, counter)
                    if doc is not None:
                        yield doc
            except OSError as exc:
                # The damage is after the last record read, and after where this
                # pass began: searching on from there always moves forward.
                where = max(state.offset, base)
                resume_at = _next_gzip_member(fh, where + 1)
                tail = (
                    f"reading on from the next gzip member at byte {resume_at}"
                    if resume_at is not None
                    else "nothing after it could be read"
                )
                errors.add(
                    source,
                    None,
                    f"WARC data damaged after the record at byte offset {where} ({exc}); {tail}",
                )
                if resume_at is None:
                    break
                base = resume_at
                continue
            break
    if state.number == 0:
        errors.add(source, None, "no WARC records in this file (empty or not a WARC file)")
    if state.other:
        errors.note("warc_records_skipped", source, None, f"{state.other} non-document records")


class _State:
    """Where the reader is in a WARC file: record number and byte offset."""

    def __init__(self) -> None:
        self.number = 0
        self.offset = 0
        self.other = 0


def _next_gzip_member(fh: IO[bytes], start: int) -> int | None:
    """The offset of the next gzip member header at or after ``start``, if any.

    A false match (the magic inside compressed data) only costs one more
    damaged-data report and another search, so the loop always moves forward.
    """
    pos = start
    magic = GZIP_MAGIC + b"\x08"  # deflate, the only method gzip defines
    while True:
        fh.seek(pos)
        chunk = fh.read(_RESYNC_CHUNK + len(magic))
        if len(chunk) < len(magic):
            return None
        found = chunk.find(magic)
        if found >= 0:
            return pos + found
        pos += _RESYNC_CHUNK


def _to_document(
    record: Any,
    source: str,
    state: _State,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
) -> Document | None:
    where = f"record {state.number} at byte offset {state.offset}"
    headers = record.headers
    raw_length = (headers.get("Content-Length") or "").strip()
    declared = int(raw_length) if raw_length.isdigit() else None
    # No encoding takes over 4 bytes a character: a bigger record is over the
    # limit whatever it holds, and is skipped unread (fastwarc moves past it).
    if declared is not None and declared > config.max_chars * 4:
        errors.add(source, state.number, f"{where}: over input.max_chars: skipped")
        return None
    # read() without a size: read(n) costs an n-byte buffer per record.
    block = (
        record.reader.read()
        if declared is not None
        else record.reader.read(config.max_chars * 4 + 1)
    )
    if len(block) > config.max_chars * 4:
        errors.add(source, state.number, f"{where}: over input.max_chars: skipped")
        return None
    if declared is not None and len(block) < declared:
        errors.add(
            source,
            state.number,
            f"{where}: truncated record ({len(block):,} of {declared:,} bytes): skipped",
        )
        return None
    is_html = record.record_type == _fastwarc().WarcRecordType.response
    if is_html:
        raw = _html_payload(block, source, state, where, errors)
        if raw is None:
            return None
        decoded = decode_html(raw)
        if decoded.note() is not None:
            errors.add(source, state.number, f"{where}: {decoded.note()}")
        text = decoded.text
    else:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.add(
                source,
                state.number,
                f"{where}: undecodable bytes (not UTF-8) at byte {exc.start} of the "
                "record's text: skipped",
            )
            return None
        if "\x00" in text:
            errors.add(source, state.number, f"{where}: NUL character in the text: skipped")
            return None
    if len(text) > config.max_chars:
        errors.add(source, state.number, f"{where}: over input.max_chars: skipped")
        return None
    if not text.strip():
        if is_html:
            errors.add(source, state.number, f"{where}: empty HTML payload: skipped")
            return None
        errors.note("empty_documents", source, state.number)
    raw_id = (headers.get("WARC-Record-ID") or "").strip().strip("<>") or None
    doc_id = counter.ids.record_id(raw_id, source, state.number)
    if raw_id is None:
        errors.note("generated_ids", source, state.number, "no WARC-Record-ID")
    fields: dict[str, Any] = {}
    url = headers.get("WARC-Target-URI")
    if url:
        fields[config.url_field] = url.strip().strip("<>")
    raw_date = headers.get("WARC-Date")
    date = normalise_date(raw_date, config.date_format) if raw_date else None
    if raw_date:
        fields[config.date_field] = raw_date
    if date is not None:
        errors.note("dates_read", source, state.number)
    return Document(
        doc_id=doc_id,
        text=text,
        order=counter.take(),
        source=source,
        line=state.number,
        fields=fields,
        site=site_of_url(fields.get(config.url_field)),
        date=date,
        html=is_html,
    )


def _html_payload(
    block: bytes, source: str, state: _State, where: str, errors: ErrorLog
) -> bytes | None:
    """The HTML bytes of a response record, or None after saying why there are none."""
    parsed = split_http(block)
    if parsed is None:
        errors.add(source, state.number, f"{where}: response without an HTTP header: skipped")
        return None
    headers, body = parsed
    status = block[: block.find(b"\n")].split(b" ", 2)[1:2]
    if status and not status[0].startswith(b"2"):
        # Redirects and errors: no page to read, and a crawl holds many of them.
        errors.note("warc_non_2xx_responses", source, state.number, f"{where}: HTTP {status[0]!r}")
        return None
    ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        errors.add(source, state.number, f"{where}: payload is {ctype}, not HTML: skipped")
        return None
    try:
        body = decode_payload(headers, body)
    except ValueError as exc:
        errors.add(source, state.number, f"{where}: {exc}: skipped")
        return None
    if not ctype and body.lstrip()[:1] != b"<":
        errors.add(
            source, state.number, f"{where}: payload without a Content-Type is not HTML: skipped"
        )
        return None
    return body
