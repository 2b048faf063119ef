"""Print a pip constraints file pinning each dependency to its declared lower bound.

    python .ci/lowest_constraints.py [EXTRA_OR_NAME ...] > lowest.txt

pip has no ``--resolution=lowest``; pinning our own requirements to their ``>=``
bounds (their dependencies resolve as usual, as uv's "lowest-direct" does) tests
that the bounds in pyproject.toml are real. Arguments pick more requirements from
``[project.optional-dependencies]``: a name of an extra takes all of it, any other
name takes that one package from any extra (``pytest hypothesis`` for the tests).
A requirement without a ``>=`` bound is an error: its lowest version is unknown.
Markers are kept (``tomli==2.0; python_version < '3.11'``), which pip evaluates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


def lowest_pin(requirement: str) -> str:
    """``"numpy>=1.24"`` -> ``"numpy==1.24"``; extras dropped (constraints cannot carry them).

    >>> lowest_pin("ray[data]>=2.9")
    'ray==2.9'
    >>> lowest_pin("tomli>=2.0; python_version < '3.11'")
    "tomli==2.0; python_version < '3.11'"
    """
    m = _REQ.match(requirement)
    if m is None:
        raise SystemExit(f"pyproject.toml: cannot parse requirement {requirement!r}")
    name, _extras, spec, marker = m.groups()
    bounds = [s.strip()[2:].strip() for s in spec.split(",") if s.strip().startswith(">=")]
    if len(bounds) != 1:
        raise SystemExit(f"pyproject.toml: {requirement!r} needs exactly one '>=' lower bound")
    return f"{name}=={bounds[0]}" + (f"; {marker[1:].strip()}" if marker else "")


def _name(requirement: str) -> str | None:
    m = _REQ.match(requirement)
    return m[1] if m else None


def main(argv: list[str]) -> None:
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    chosen = list(project["dependencies"])
    for arg in argv:
        if arg in extras:
            chosen += [r for r in extras[arg] if not r.startswith(f"{project['name']}[")]
            continue
        found = [r for reqs in extras.values() for r in reqs if _name(r) == arg]
        if not found:
            raise SystemExit(f"pyproject.toml: no optional requirement named {arg!r}")
        chosen.append(found[0])
    for requirement in chosen:
        print(lowest_pin(requirement))


if __name__ == "__main__":
    main(sys.argv[1:])
