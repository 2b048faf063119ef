"""Check that a built wheel ships exactly the files of dedup/ in the source tree.

    python .ci/check_wheel.py dist/dedup-*.whl SOURCE_DIR

Every file under SOURCE_DIR/dedup (modules of every subpackage, py.typed, any
data file) must be in the wheel, and the wheel must hold nothing else besides
its ``.dist-info`` (no tests/, benchmarks/ or seeds/). A package directory that
setuptools misses (not matched by ``packages.find``, no ``__init__.py``) or a data
file not named in ``package-data`` shows up as missing. Exit 1 with the lists.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path


def source_files(source: Path, package: str = "dedup") -> set[str]:
    return {
        p.relative_to(source).as_posix()
        for p in (source / package).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    }


def wheel_problems(wheel: Path, source: Path, package: str = "dedup") -> list[str]:
    """Lines describing what is missing from or extra in the wheel (empty when it matches)."""
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n for n in zf.namelist() if not n.endswith("/")}
    shipped = {n for n in shipped if not n.split("/", 1)[0].endswith(".dist-info")}
    expected = source_files(source, package)
    return [f"missing from the wheel: {n}" for n in sorted(expected - shipped)] + [
        f"not in {package}/ but in the wheel: {n}" for n in sorted(shipped - expected)
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheel, source = Path(argv[0]), Path(argv[1])
    problems = wheel_problems(wheel, source)
    for line in problems:
        print(f"{wheel.name}: {line}", file=sys.stderr)
    if not problems:
        print(f"{wheel.name}: ships all {len(source_files(source))} files of dedup/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
