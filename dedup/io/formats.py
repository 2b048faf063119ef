"""Which kind of input a file is, and its bytes whether or not it is gzipped.

A file's kind comes from its name (``.gz`` ignored): text (.txt, .md,
.markdown), HTML (.html, .htm), JSON lines (.jsonl), JSON (.json: an array of
records or one record), Parquet, WARC/WET (.warc, .wet; also sniffed by their
``WARC/1.`` magic), Arrow IPC (.arrow: Hugging Face datasets' files). Whether
it is compressed comes from its first two bytes (the gzip magic ``1f 8b``), never from its name, so
``page.html.gz``, a gzipped ``corpus.jsonl`` and gzipped stdin all read, and
a ``.jsonl.gz`` that is in fact plain text reads too.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import IO, cast

GZIP_MAGIC = b"\x1f\x8b"

KINDS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    # Common Crawl names them .warc.gz and .warc.wet.gz (dedup.io.warc).
    ".warc": "warc",
    ".wet": "warc",
    ".arrow": "arrow",
}
#: Names a directory walk picks up: every kind, plain or with ``.gz``.
INPUT_SUFFIXES: tuple[str, ...] = tuple(KINDS) + tuple(
    f"{s}.gz" for s in KINDS if s not in (".parquet", ".arrow")
)


class TooLarge(Exception):
    """Data over the limit (a huge file, or a gzip bomb); ``size``: bytes on disk, if known."""

    def __init__(self, size: int | None = None) -> None:
        super().__init__(size)
        self.size = size


def kind_of(path: Path) -> str | None:
    """The input kind of a file name, or None when it is not one we read.

    >>> kind_of(Path("a/Page.HTML.gz")), kind_of(Path("x.jsonl")), kind_of(Path("notes.md"))
    ('html', 'jsonl', 'text')
    >>> kind_of(Path("data.csv")) is None, kind_of(Path("archive.gz")) is None
    (True, True)
    """
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return KINDS.get(name[dot:]) if dot > 0 else None


def is_gzip(path: Path) -> bool:
    """Whether the file starts with the gzip magic bytes."""
    with path.open("rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_stream(path: Path) -> IO[bytes]:
    """The file's bytes as a stream, decompressed when it is gzip (by magic bytes)."""
    if is_gzip(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def maybe_gunzip(stream: IO[bytes]) -> IO[bytes]:
    """``stream`` (e.g. stdin), transparently decompressed when it starts with gzip magic.

    Peeks without consuming, so a plain stream reads exactly as before.

    >>> maybe_gunzip(io.BytesIO(gzip.compress(b'{"text": "x"}'))).read()
    b'{"text": "x"}'
    >>> maybe_gunzip(io.BytesIO(b"plain")).read()
    b'plain'
    """
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(cast(io.RawIOBase, stream))
    head = cast(io.BufferedReader, buffered).peek(2)[:2]
    if head == GZIP_MAGIC:
        return cast(IO[bytes], gzip.GzipFile(fileobj=buffered, mode="rb"))
    return buffered


def read_bytes(path: Path, limit: int) -> bytes:
    """The whole file, decompressed when gzip; raises :class:`TooLarge` past ``limit`` bytes.

    Decompression stops at the limit, so a small gzip bomb never fills memory.
    Raises OSError / EOFError / zlib.error for a damaged gzip stream.
    """
    size = path.stat().st_size
    # Stored deflate blocks grow data by at most 5 bytes per 16 KB plus an 18-byte
    # frame, so a file this far over the limit is too large even as gzip: refuse
    # it before opening it at all (a sparse 4 GB file must not be touched).
    if size > limit + limit // 1000 + 1024:
        raise TooLarge(size)
    if not is_gzip(path):
        if size > limit:
            raise TooLarge(size)
        return path.read_bytes()
    out = bytearray()
    with path.open("rb") as fh:
        # 16 + MAX_WBITS: a gzip header and trailer around the deflate data.
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while chunk := fh.read(1 << 16):
            out += inflater.decompress(chunk, limit + 1 - len(out))
            if len(out) > limit:
                raise TooLarge
            while inflater.unconsumed_tail:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
                if len(out) > limit:
                    raise TooLarge
            if inflater.eof:
                break
        if not inflater.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
    return bytes(out)
