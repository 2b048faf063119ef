"""What identifies a job, so that ``--resume`` finishes the same job or says
what differs instead of silently starting another one.

A job is the config (less the run options that do not change the output),
the inputs as named, the size and modification time of every input file, and
the dedup version. It is kept in the work directory's manifest from the
moment the spool is started.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dedup.cli.terminal import join_names
from dedup.config import Config
from dedup.version import __version__


def describe_job(config: Config, inputs: Sequence[str]) -> dict[str, Any]:
    """A JSON-able description of the job (see the module docstring)."""
    data = config.to_dict()
    data["run"] = {"chunk_docs": config.run.chunk_docs}
    # An input edited after the crash must be read afresh, not taken from the old spool.
    files: list[list[Any]] = []
    for item in inputs:
        path = Path(item)
        paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in paths:
            if p.is_file():
                st = p.stat()
                files.append([p.as_posix(), st.st_size, st.st_mtime_ns])
    return {"config": data, "inputs": list(inputs), "files": files, "version": __version__}


def fingerprint(job: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(job, sort_keys=True).encode()).hexdigest()


def job_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed between two job descriptions, for people.

    >>> a = describe_job(Config(), [])
    >>> b = describe_job(Config().replace(document={"threshold": 0.8}), ["x"])
    >>> job_differences(a, b)
    ['inputs: [] then, now x', 'document.threshold: 0.5 then, now 0.8']
    """
    out: list[str] = []
    if old.get("inputs") != new.get("inputs"):
        then = join_names(old.get("inputs") or []) or "[]"
        out.append(f"inputs: {then} then, now {join_names(new.get('inputs') or []) or '[]'}")
    old_cfg, new_cfg = old.get("config") or {}, new.get("config") or {}
    for section in list(new_cfg) + [s for s in old_cfg if s not in new_cfg]:
        a, b = old_cfg.get(section) or {}, new_cfg.get(section) or {}
        for key in list(b) + [k for k in a if k not in b]:
            if a.get(key) != b.get(key):
                out.append(f"{section}.{key}: {a.get(key)!r} then, now {b.get(key)!r}")
    old_files = {f[0]: tuple(f[1:]) for f in old.get("files") or []}
    new_files = {f[0]: tuple(f[1:]) for f in new.get("files") or []}
    if old.get("inputs") == new.get("inputs"):
        gone = [p for p in old_files if p not in new_files]
        added = [p for p in new_files if p not in old_files]
        changed = [p for p in new_files if p in old_files and old_files[p] != new_files[p]]
        for label, names in (("files gone", gone), ("files added", added)):
            if names:
                out.append(f"{label}: {join_names(names, 5)}")
        if changed:
            out.append(f"files changed since (size or time): {join_names(changed, 5)}")
    if old.get("version") != new.get("version"):
        out.append(f"dedup version: {old.get('version')} then, now {new.get('version')}")
    return out or ["the earlier job is not described (an older dedup wrote it)"]
