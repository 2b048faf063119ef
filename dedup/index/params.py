"""What must match between an index and a run, and how an index stores and checks it.

An index answers only for the MinHash and LSH parameters it was built with:
signatures of other permutations, other shingles or other band shapes would
give silently wrong answers. :class:`IndexParams` holds them; the stored
metadata (parameters, corpus name, layout version) is written by
:func:`meta_json` and checked on opening by :func:`parse_meta` and
:func:`check_params`, whose error says what to change.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dedup.index.errors import IndexParamsMismatch, IndexStoreError
from dedup.sketch.minhash import MinHashParams
from dedup.sketch.shapes import lsh_shapes

if TYPE_CHECKING:
    from dedup.config import Config

logger = logging.getLogger(__name__)

__all__ = [
    "FORMAT_VERSION",
    "LEVELS",
    "IndexParams",
    "check_level",
    "check_name",
    "check_params",
    "level_code",
    "meta_json",
    "mismatch_error",
    "parse_meta",
]

LEVELS: tuple[str, ...] = ("document", "passage")
# Bumped when the stored layout changes; an index of another version is refused.
FORMAT_VERSION = 1

# Where each parameter lives in the config, for messages that say what to change.
_CONFIG_NAMES: dict[str, str] = {
    "num_perm": "[minhash] num_perm",
    "seed": "[minhash] seed",
    "scheme": "[minhash] scheme",
    "shingle": "[minhash] shingle",
    "doc_ngram": "[document] ngram",
    "doc_bands": "[document] bands",
    "doc_rows": "[document] rows",
    "passage_ngram": "[passage] ngram",
    "passage_bands": "[passage] bands",
    "passage_rows": "[passage] rows",
}


@dataclass(frozen=True)
class IndexParams:
    """Everything that must match between an index and a run that uses it.

    >>> p = IndexParams(128, 1, "fast", "word", 5, 9, 13, 3, 25, 5)
    >>> p.shape("document"), p.minhash_params("passage").ngram
    ((9, 13), 3)
    >>> IndexParams.from_dict(p.to_dict()) == p
    True
    """

    num_perm: int
    seed: int
    scheme: str
    shingle: str
    doc_ngram: int
    doc_bands: int
    doc_rows: int
    passage_ngram: int
    passage_bands: int
    passage_rows: int

    def __post_init__(self) -> None:
        # MinHashParams validates num_perm, seed, ngram, shingle and scheme.
        for level in LEVELS:
            self.minhash_params(level)
        for level in LEVELS:
            bands, rows = self.shape(level)
            ok = isinstance(bands, int) and isinstance(rows, int) and bands >= 1 and rows >= 1
            if not ok or bands * rows > self.num_perm:
                raise ValueError(
                    f"{level} bands x rows must be positive integers with bands*rows <= "
                    f"num_perm={self.num_perm}, got {bands!r} x {rows!r}"
                )

    @classmethod
    def from_config(cls, config: Config) -> IndexParams:
        """The parameters a :class:`dedup.config.Config` implies (bands/rows 0 = from threshold)."""
        mh = config.minhash
        shapes = lsh_shapes(config)
        db, dr = shapes.doc_bands, shapes.doc_rows
        pb, pr = shapes.passage_bands, shapes.passage_rows
        return cls(
            num_perm=mh.num_perm,
            seed=mh.seed,
            scheme=mh.scheme,
            shingle=mh.shingle,
            doc_ngram=config.document.ngram,
            doc_bands=db,
            doc_rows=dr,
            passage_ngram=config.passage.ngram,
            passage_bands=pb,
            passage_rows=pr,
        )

    def ngram(self, level: str) -> int:
        check_level(level)
        return self.doc_ngram if level == "document" else self.passage_ngram

    def shape(self, level: str) -> tuple[int, int]:
        """(bands, rows) of the LSH for ``level``."""
        check_level(level)
        if level == "document":
            return self.doc_bands, self.doc_rows
        return self.passage_bands, self.passage_rows

    def minhash_params(self, level: str) -> MinHashParams:
        return MinHashParams(
            num_perm=self.num_perm,
            seed=self.seed,
            ngram=self.ngram(level),
            shingle=self.shingle,
            scheme=self.scheme,
        )

    @property
    def signature_dtype(self) -> np.dtype[Any]:
        # datasketch 1.x values are 61-bit; every other scheme is 32-bit.
        return np.dtype(np.uint64 if self.scheme == "datasketch-legacy" else np.uint32)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexParams:
        names = {f.name for f in dataclasses.fields(cls)}
        missing = names - set(data)
        unknown = set(data) - names
        if missing or unknown:
            raise ValueError(
                f"stored index parameters are malformed (missing {sorted(missing)}, "
                f"unknown {sorted(unknown)})"
            )
        return cls(**{k: data[k] for k in names})

    def differences(self, other: IndexParams) -> list[tuple[str, Any, Any]]:
        """(name, self's value, other's value) for every parameter that differs."""
        return [
            (f.name, getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        ]


def mismatch_error(location: str, stored: IndexParams, wanted: IndexParams) -> IndexParamsMismatch:
    """The error for an index whose parameters differ from the run's, saying what to do."""
    lines = [
        f"  {name} ({_CONFIG_NAMES[name]}): index has {have!r}, this run uses {want!r}"
        for name, have, want in stored.differences(wanted)
    ]
    hint = ""
    if any(name.endswith(("_bands", "_rows")) for name, _, _ in stored.differences(wanted)):
        hint = (
            " (bands and rows follow from the threshold when they are 0 in the config: set "
            "them explicitly to the index's values to use another threshold with this index)"
        )
    return IndexParamsMismatch(
        f"index {location} was built with other parameters than this run:\n"
        + "\n".join(lines)
        + "\nAnswers would be silently wrong, so the index is refused. Either build an index "
        "with this run's parameters (`dedup index build INPUT... --index NEW_PATH`), or run "
        "with the index's parameters" + hint + "."
    )


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def level_code(level: str) -> int:
    check_level(level)
    return LEVELS.index(level)


def meta_json(params: IndexParams, name: str) -> str:
    """The stored description of an index (parameters, name, format version)."""
    return json.dumps(
        {"format_version": FORMAT_VERSION, "name": name, "params": params.to_dict()},
        sort_keys=True,
    )


def parse_meta(location: str, text: str) -> tuple[IndexParams, str]:
    try:
        meta = json.loads(text)
        version = meta["format_version"]
        params = IndexParams.from_dict(meta["params"])
        name = str(meta["name"])
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexStoreError(f"index {location} has unreadable metadata: {exc}") from exc
    if version != FORMAT_VERSION:
        raise IndexStoreError(
            f"index {location} has format version {version}, this dedup reads version "
            f"{FORMAT_VERSION}: rebuild it with `dedup index build`"
        )
    return params, name


def check_params(location: str, stored: IndexParams, wanted: IndexParams | None) -> None:
    if wanted is not None and stored != wanted:
        raise mismatch_error(location, stored, wanted)


def check_name(location: str, stored: str, wanted: str | None) -> None:
    if wanted is not None and wanted != stored:
        logger.warning(
            "index %s holds corpus %r; keeping that name (asked for %r)", location, stored, wanted
        )
