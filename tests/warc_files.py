"""Small WARC and WET files built by hand, byte for byte, for the reader tests.

Built here rather than with a WARC writer so that a test can also cut one
short, put an image in it, or damage one gzip member.
"""

from __future__ import annotations

import gzip


def http_response(
    body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200
) -> bytes:
    head = (
        f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def warc_record(
    record_type: str,
    record_id: str,
    uri: str,
    block: bytes,
    date: str = "2024-03-01T10:00:00Z",
) -> bytes:
    """One WARC/1.0 record: headers, the block, and the two CRLFs after it."""
    content_type = (
        "application/http; msgtype=response" if record_type == "response" else "text/plain"
    )
    head = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode("ascii") + block + b"\r\n\r\n"


def warcinfo() -> bytes:
    block = b"software: dedup tests\r\nformat: WARC File Format 1.0\r\n"
    head = (
        "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:info>\r\n"
        f"WARC-Date: 2024-03-01T10:00:00Z\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode("ascii") + block + b"\r\n\r\n"


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>\n{body}</article></body></html>"
    ).encode()


def gzip_members(records: list[bytes]) -> bytes:
    """One gzip member per record, as Common Crawl writes them (mtime 0: same bytes)."""
    return b"".join(gzip.compress(r, mtime=0) for r in records)
