"""One typed configuration for the CLI, the Python API and TOML files.

A TOML file mirrors the sections below::

    [minhash]
    num_perm = 128
    [document]
    threshold = 0.8
    [passage]
    unit = "sentence"

Every value is checked on load; a bad value raises :class:`ConfigError` with
the section, the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.boilerplate.reasons import REASONS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says which and why."""


@dataclass
class InputConfig:
    text_field: str = "text"
    id_field: str = "id"
    # Fields used by site-template learning and canonical policies when present.
    url_field: str = "url"
    date_field: str = "date"
    # How date strings are read: "auto", "dayfirst", "monthfirst" or a strptime
    # pattern (dedup/io/dates.py); unreadable dates are counted in report.json.
    date_format: str = "auto"
    # A second record with an id already seen: "strict" fails the run naming both
    # places; "prefix-file" makes every id "<file>:<id>"; "generate" ignores the
    # id field and uses "<file>:<line>" (dedup/io/ids.py).
    id_mode: str = "strict"
    # Documents larger than this many characters are reported and skipped.
    max_chars: int = 50_000_000


@dataclass
class BoilerplateConfig:
    enabled: bool = True
    # Reason codes to switch off, e.g. ["age_stamp"].
    disabled_rules: list[str] = field(default_factory=list)
    # Site-template learning: a normalised line is template when it occurs on at
    # least `template_min_pages` pages of one site and on at least
    # `template_min_share` of that site's pages.
    templates: bool = True
    template_min_pages: int = 3
    template_min_share: float = 0.3
    # Lines longer than this many words are never template (syndicated prose is
    # left to near-duplicate detection).
    template_max_words: int = 25
    # HTML extraction (trafilatura).
    html_favor_precision: bool = True
    html_include_comments: bool = False
    html_include_tables: bool = True
    # HTML only: keep the page title line (plain-text inputs always keep theirs).
    keep_title: bool = False
    html_timeout_s: float = 30.0
    # Largest HTML page (characters) handed to the extractor; larger pages are refused.
    html_max_chars: int = 20_000_000
    # Timeout for any one regex match, seconds.
    regex_timeout_s: float = 1.0
    # Plain text only: the learned line model (dedup/boilerplate/line_model.py)
    # removes the lines it scores at or above the threshold (0 = the model
    # file's own), after the hand rules; "" = the model shipped with dedup.
    # Off by default: at the threshold chosen on one set (<= 1 % content lost
    # there) it lost 2.6 % of the other set's content against the rules' 0.4 %
    # (README, Boilerplate).
    line_model: bool = False
    line_model_path: str = ""
    line_model_threshold: float = 0.0


@dataclass
class MinHashConfig:
    num_perm: int = 128
    seed: int = 1
    # "word" n-grams over \w+ tokens, or "char" n-grams over normalised text.
    shingle: str = "word"
    # "fast" (default), "datasketch" (values equal datasketch 2.x MinHash, affine32)
    # or "datasketch-legacy" (datasketch 1.x values).
    scheme: str = "fast"


@dataclass
class DocumentDedupConfig:
    enabled: bool = True
    # Word 2-grams, Jaccard 0.5 to the kept copy, or containment 0.8 of the
    # smaller copy's shingles in the kept one: chosen by benchmarks/neardup_real.py
    # --sweep on its AEB corpus, confirmed on the trafilatura-dev one (README).
    # A word edit breaks n shingles, so 5-grams put a copy with 5 % of its
    # words edited near Jaccard 0.6 and 2-grams near 0.8; a truncated copy is
    # found by containment, whatever its Jaccard.
    ngram: int = 2
    threshold: float = 0.5
    # Containment |A ∩ B| / min(|A|, |B|) that makes the smaller document a copy
    # of the larger (truncated copy, digest of one article); 0 = off. The
    # larger copy is kept (dedup/cluster/containment.py).
    containment: float = 0.8
    # Keep a complete copy (at least 90 % of the content characters of its
    # cluster's largest) over a partial one whatever canonical.policy says; the
    # policy chooses among the complete ones, and a more central complete copy
    # that more members match is kept over the policy's choice (the keeper
    # problem, dedup/cluster/keeper_split.py). False: the policy alone chooses.
    prefer_complete: bool = True
    # Explicit LSH shape; both 0 = derived from the threshold, minimising
    # fp_weight * P(false candidate) + fn_weight * P(missed pair). Verification is
    # exact, so a false candidate costs a little time while a missed pair is a
    # missed duplicate: weigh misses heavily (0.01/0.99 gives 39 bands x 3 rows
    # for 128 permutations, which also finds most contained copies, whose
    # Jaccard lies below the threshold).
    bands: int = 0
    rows: int = 0
    lsh_fp_weight: float = 0.01
    lsh_fn_weight: float = 0.99
    # "exact" Jaccard over shingle sets, or "estimate" from signatures.
    verify: str = "exact"


@dataclass
class PassageDedupConfig:
    enabled: bool = True
    # "sentence", "paragraph" or "window" (k consecutive sentences).
    unit: str = "sentence"
    window: int = 3
    ngram: int = 3
    threshold: float = 0.5
    # A passage whose shingles are this share contained in a longer one matches
    # it; the longer one is kept (only the contained span is ever cut).
    containment: float = 0.8
    # "within_and_across": repeats inside one document are cut too, except list
    # items, table rows and question/answer lines, which repeat by design (a
    # meal plan, an interview's recurring question); "across": only copies in
    # other documents count (dedup/cluster/passage_scope.py).
    scope: str = "within_and_across"
    # A document whose content is at least this share passage copies of ONE
    # other document is a duplicate of that document (dropped whole, not left
    # shredded); 0 switches it off (dedup/cluster/survivors.py).
    document_share: float = 0.5
    # A document left by passage cuts with fewer content characters than this,
    # or under this share of its content, is dropped (reason short_survivor);
    # 0 = off.
    min_survivor_chars: int = 0
    min_survivor_share: float = 0.0
    # Passages with fewer word tokens than this never cluster ("He said.").
    min_tokens: int = 10
    # The LSH band shape is derived from this lower threshold, so that a short
    # passage contained in a longer one (low Jaccard, high containment) still
    # becomes a candidate; verification then applies threshold/containment.
    lsh_threshold: float = 0.4
    bands: int = 0
    rows: int = 0
    lsh_fp_weight: float = 0.5
    lsh_fn_weight: float = 0.5
    language: str = "en"


@dataclass
class CanonicalConfig:
    # first | longest | most_complete | earliest | source_priority
    policy: str = "first"
    source_priority: list[str] = field(default_factory=list)


@dataclass
class IndexConfig:
    # A persistent index (SQLite file path or redis://host:port/db) to dedup against.
    against: str | None = None
    # Add what survives to that index, in one transaction (--update-index).
    update: bool = False
    # Across corpora: "protect" (indexed copies always win), "drop_all" (every
    # copy goes, including the first one within this corpus), "per_source" (one
    # copy per source site: only same-site copies count as duplicates).
    policy: str = "protect"
    # A label for this corpus in the index, reported in `kept.index`.
    name: str | None = None


@dataclass
class OutputConfig:
    # How documents and removed records are written: "jsonl", "jsonl.gz" or
    # "parquet" (dedup/io/outfiles.py); clusters and the report stay JSON.
    format: str = "jsonl"


@dataclass
class RunConfig:
    workers: int = 0  # 0 = all cores
    engine: str = "local"
    ray_address: str | None = None
    strict: bool = False
    quiet: bool = False
    resume: bool = False
    # Documents per chunk: the unit of work of a worker and of the on-disk spool.
    chunk_docs: int = 1000
    # Where scratch files go when there is no OUTDIR (default: the system temp dir).
    work_dir: str | None = None
    # Memory for the shingle sets that exact verification holds at once; beyond
    # it, candidate pairs are verified in tiles (slower, same result).
    verify_memory_mb: int = 128


@dataclass
class Config:
    input: InputConfig = field(default_factory=InputConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    document: DocumentDedupConfig = field(default_factory=DocumentDedupConfig)
    passage: PassageDedupConfig = field(default_factory=PassageDedupConfig)
    canonical: CanonicalConfig = field(default_factory=CanonicalConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    run: RunConfig = field(default_factory=RunConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def __post_init__(self) -> None:
        self.validate()

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "config") -> Config:
        """Build a Config from nested dicts, rejecting unknown sections and keys.

        >>> Config.from_dict({"document": {"threshold": 0.9}}).document.threshold
        0.9
        >>> Config.from_dict({"documnet": {}})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        dedup.config.ConfigError: config: unknown section [documnet]; known: input, ...
        """
        sections = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for name, values in data.items():
            if name not in sections:
                known = ", ".join(sections)
                raise ConfigError(f"{where}: unknown section [{name}]; known: {known}")
            if not isinstance(values, dict):
                raise ConfigError(f"{where}: [{name}] must be a table of keys")
            section_cls = _section_type(name)
            kwargs[name] = _build_section(section_cls, name, values, where)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{p}: config file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from None
        return cls.from_dict(data, where=str(p))

    def replace(self, **sections: dict[str, Any]) -> Config:
        """A copy with some keys of some sections changed.

        >>> Config().replace(passage={"unit": "paragraph"}).passage.unit
        'paragraph'
        """
        data = self.to_dict()
        for name, values in sections.items():
            if name not in data:
                raise ConfigError(f"unknown section [{name}]")
            data[name].update(values)
        return Config.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    # --------------------------------------------------------------- validation
    def validate(self) -> None:
        def need(ok: bool, key: str, what: str) -> None:
            if not ok:
                raise ConfigError(f"[{key.split('.')[0]}] {key.split('.', 1)[1]}: {what}")

        mh, doc, pas = self.minhash, self.document, self.passage
        need(mh.num_perm >= 2, "minhash.num_perm", "must be at least 2")
        need(mh.shingle in ("word", "char"), "minhash.shingle", "must be 'word' or 'char'")
        need(
            mh.scheme in ("fast", "datasketch", "datasketch-legacy"),
            "minhash.scheme",
            "must be 'fast', 'datasketch' (2.x affine32 values) or 'datasketch-legacy' (1.x)",
        )
        for name, sec in (("document", doc), ("passage", pas)):
            need(0.0 < sec.threshold <= 1.0, f"{name}.threshold", "must be in (0, 1]")
            need(sec.ngram >= 1, f"{name}.ngram", "must be at least 1")
            need(
                sec.lsh_fp_weight >= 0
                and sec.lsh_fn_weight >= 0
                and sec.lsh_fp_weight + sec.lsh_fn_weight > 0,
                f"{name}.lsh_fp_weight",
                "weights must be >= 0 and not both 0",
            )
            need(sec.bands >= 0 and sec.rows >= 0, f"{name}.bands", "must not be negative")
            need(
                (sec.bands == 0) == (sec.rows == 0),
                f"{name}.bands",
                "set both bands and rows, or neither (then they follow from the threshold)",
            )
            need(
                sec.bands * sec.rows <= mh.num_perm,
                f"{name}.bands",
                f"bands x rows ({sec.bands * sec.rows}) exceeds minhash.num_perm ({mh.num_perm})",
            )
        need(
            doc.verify in ("exact", "estimate"), "document.verify", "must be 'exact' or 'estimate'"
        )
        need(0.0 <= doc.containment <= 1.0, "document.containment", "must be in [0, 1] (0 = off)")
        need(
            pas.scope in ("across", "within_and_across"),
            "passage.scope",
            "must be 'across' or 'within_and_across'",
        )
        need(
            pas.unit in ("sentence", "paragraph", "window"),
            "passage.unit",
            "must be 'sentence', 'paragraph' or 'window'",
        )
        need(pas.window >= 1, "passage.window", "must be at least 1")
        need(pas.min_tokens >= 1, "passage.min_tokens", "must be at least 1")
        need(0.0 < pas.containment <= 1.0, "passage.containment", "must be in (0, 1]")
        need(0.0 <= pas.document_share <= 1.0, "passage.document_share", "must be in [0, 1]")
        need(pas.min_survivor_chars >= 0, "passage.min_survivor_chars", "must be at least 0")
        need(0.0 <= pas.min_survivor_share < 1.0, "passage.min_survivor_share", "must be in [0, 1)")
        need(0.0 < pas.lsh_threshold < 1.0, "passage.lsh_threshold", "must be in (0, 1)")
        policies = ("first", "longest", "most_complete", "earliest", "source_priority")
        need(
            self.canonical.policy in policies,
            "canonical.policy",
            "must be one of " + ", ".join(policies),
        )
        # Checked here, not when the first cluster needs a keeper: a run must
        # not read and analyse a whole corpus to fail at its first duplicate.
        need(
            self.canonical.policy != "source_priority"
            or any(site.strip() for site in self.canonical.source_priority),
            "canonical.source_priority",
            "policy 'source_priority' needs a list of sites, most trusted first, e.g. "
            'source_priority = ["apnews.com", "reuters.com"] '
            "(command line: --source-priority apnews.com,reuters.com)",
        )
        need(
            self.index.policy in ("protect", "drop_all", "per_source"),
            "index.policy",
            "must be one of protect, drop_all, per_source",
        )
        need(
            not self.index.update or bool(self.index.against),
            "index.update",
            "needs index.against (--against PATH): the index to add to",
        )
        need(self.run.workers >= 0, "run.workers", "must be 0 (all cores) or more")
        need(self.run.chunk_docs >= 1, "run.chunk_docs", "must be at least 1")
        need(self.run.verify_memory_mb >= 1, "run.verify_memory_mb", "must be at least 1")
        need(self.run.engine in ("local", "ray"), "run.engine", "must be 'local' or 'ray'")
        bp = self.boilerplate
        need(bp.template_min_pages >= 2, "boilerplate.template_min_pages", "must be at least 2")
        need(
            0.0 < bp.template_min_share <= 1.0,
            "boilerplate.template_min_share",
            "must be in (0, 1]",
        )
        need(
            0.0 <= bp.line_model_threshold < 1.0,
            "boilerplate.line_model_threshold",
            "must be in [0, 1) (0 = the model file's own threshold)",
        )
        need(self.input.max_chars > 0, "input.max_chars", "must be positive")
        need(
            self.output.format in ("jsonl", "jsonl.gz", "parquet"),
            "output.format",
            "must be 'jsonl', 'jsonl.gz' or 'parquet'",
        )
        from dedup.io.dates import check_date_format
        from dedup.io.ids import ID_MODES

        bad_format = check_date_format(self.input.date_format)
        need(bad_format is None, "input.date_format", bad_format or "")
        need(
            self.input.id_mode in ID_MODES,
            "input.id_mode",
            "must be one of " + ", ".join(ID_MODES),
        )
        unknown = [r for r in bp.disabled_rules if r not in REASONS]
        need(
            not unknown,
            "boilerplate.disabled_rules",
            f"unknown reason code(s) {', '.join(unknown)}; known: {', '.join(REASONS)}",
        )


_SECTIONS: dict[str, type] = {
    "input": InputConfig,
    "boilerplate": BoilerplateConfig,
    "minhash": MinHashConfig,
    "document": DocumentDedupConfig,
    "passage": PassageDedupConfig,
    "canonical": CanonicalConfig,
    "index": IndexConfig,
    "run": RunConfig,
    "output": OutputConfig,
}


def _section_type(name: str) -> type:
    return _SECTIONS[name]


def _build_section(section_cls: type, name: str, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(section_cls)}
    default = section_cls()
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key {key!r} in [{name}]; known: {', '.join(known)}"
            )
        expected = getattr(default, key)
        if not _type_ok(expected, value, known[key].type):
            raise ConfigError(
                f"{where}: [{name}] {key} = {value!r} has the wrong type; "
                f"expected {type(expected).__name__ if expected is not None else 'a string'}"
            )
    return section_cls(**values)


def _type_ok(default: Any, value: Any, annotation: Any) -> bool:
    if default is None:
        return value is None or isinstance(value, str)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))
