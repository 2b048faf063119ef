"""One record (a JSON object, an Arrow row, an API dict) to a document, by the configured fields.

``input.text_field`` holds the text, ``input.id_field`` the id (generated when
absent), ``input.date_field`` and ``input.url_field`` the date and the site;
every other field is kept as it is for the outputs. A record that cannot be a
document is reported with its place and skipped.
"""

from __future__ import annotations

from typing import Any

from dedup.config import InputConfig
from dedup.documents import Document
from dedup.io.counter import InputCounter
from dedup.io.dates import normalise_date
from dedup.io.errors import ErrorLog
from dedup.io.urls import site_of_url

__all__ = ["record_to_document"]


def record_to_document(
    record: Any,
    source: str,
    lineno: int,
    config: InputConfig,
    errors: ErrorLog,
    counter: InputCounter,
) -> Document | None:
    if not isinstance(record, dict):
        errors.add(
            source, lineno, f"expected a JSON object, got {type(record).__name__}: record skipped"
        )
        return None
    text = record.get(config.text_field)
    if text is None:
        errors.add(
            source,
            lineno,
            f"no {config.text_field!r} field: record skipped (set --text-field to the "
            f"field holding the text; fields here: {', '.join(list(record)[:8])})",
        )
        return None
    if not isinstance(text, str):
        errors.add(
            source,
            lineno,
            f"field {config.text_field!r} is a {type(text).__name__}, not a string: record skipped",
        )
        return None
    if "\x00" in text:
        errors.add(
            source,
            lineno,
            f"NUL character in field {config.text_field!r} at offset {text.index(chr(0))} "
            "(binary data?): record skipped; strip NUL characters from the text",
        )
        return None
    if len(text) > config.max_chars:
        errors.add(
            source,
            lineno,
            f"text has {len(text):,} characters, over input.max_chars "
            f"({config.max_chars:,}): record skipped; raise the limit to process it",
        )
        return None
    raw_id = record.get(config.id_field)
    if raw_id is not None and (not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool)):
        errors.add(
            source, lineno, f"field {config.id_field!r} must be a string or integer: record skipped"
        )
        return None
    doc_id = counter.ids.record_id(None if raw_id is None else str(raw_id), source, lineno)
    if raw_id is None:
        errors.note("generated_ids", source, lineno, f"no {config.id_field!r}: id {doc_id!r}")
    if not text.strip():
        # Not an error (--strict does not stop on it) but counted, so a corpus
        # of empties gets noticed: kept as it is, which keeps one output record
        # per input record for pipeline users joining on the id.
        errors.note("empty_documents", source, lineno)
    raw_date = record.get(config.date_field)
    date = normalise_date(raw_date, config.date_format)
    if date is not None:
        errors.note("dates_read", source, lineno)
    elif raw_date is not None and raw_date != "":
        errors.note("unparsable_dates", source, lineno, repr(raw_date)[:80])
    return Document(
        doc_id=doc_id,
        text=text,
        order=counter.take(),
        source=source,
        line=lineno,
        fields=dict(record),
        site=site_of_url(record.get(config.url_field)),
        date=date,
        html=False,
    )
