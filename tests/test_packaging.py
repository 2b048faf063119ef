"""Packaging: what a wheel ships and what the install requires.

The wheel itself is built, installed outside the tree and run by ``make wheel-check``
(.ci/install_checks, in CI); the lowest dependency versions by ``make lowest``. These
tests check the configuration those rely on, and the two helper scripts, offline.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from setuptools import find_packages

from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / ".ci" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_wheel = _script("check_wheel")
lowest_constraints = _script("lowest_constraints")


def _package_dirs() -> set[str]:
    return {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "dedup").rglob("*.py")
        if "__pycache__" not in p.parts
    }


def test_every_directory_of_modules_is_a_package_setuptools_finds() -> None:
    find = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    found = set(find_packages(where=str(REPO), include=find["include"]))
    dirs = _package_dirs()
    assert {"dedup", "dedup.index", "dedup.boilerplate", "dedup.io", "dedup.engines"} <= dirs
    # A folder of modules without __init__.py would be skipped by find_packages.
    assert found == dirs


def _wheel_of(tmp_path: Path, names: list[str]) -> Path:
    wheel = tmp_path / "dedup-0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name in names:
            zf.writestr(name, "")
        zf.writestr("dedup-0.dist-info/RECORD", "")
    return wheel


def test_wheel_check_accepts_the_tree_and_names_what_is_missing_or_extra(tmp_path: Path) -> None:
    files = sorted(check_wheel.source_files(REPO))
    assert "dedup/py.typed" in files and "dedup/index/base.py" in files
    assert check_wheel.wheel_problems(_wheel_of(tmp_path, files), REPO) == []
    partial = [n for n in files if not n.startswith("dedup/index/")] + ["tests/test_x.py"]
    problems = check_wheel.wheel_problems(_wheel_of(tmp_path, partial), REPO)
    assert "missing from the wheel: dedup/index/base.py" in problems
    assert "not in dedup/ but in the wheel: tests/test_x.py" in problems
    assert check_wheel.main([str(_wheel_of(tmp_path, partial)), str(REPO)]) == 1


def test_every_runtime_dependency_has_a_lower_bound_to_pin() -> None:
    pins = [lowest_constraints.lowest_pin(r) for r in PYPROJECT["project"]["dependencies"]]
    assert "trafilatura==2.0" in pins  # 1.12's bare_extraction returns a dict
    assert all(re.fullmatch(r"[\w.-]+==[\d.]+(; .+)?", p) for p in pins), pins
    for bad in ("numpy", "numpy<2", "numpy>=1.24,>=1.25"):
        with pytest.raises(SystemExit, match="lower bound"):
            lowest_constraints.lowest_pin(bad)


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "dedup").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "dedup"}


def test_what_the_code_imports_is_declared_and_datasketch_is_not_at_run_time() -> None:
    def dist(requirement: str) -> str:
        return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()

    runtime = {dist(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    optional = {
        dist(r) for name in ("ray", "redis", "warc", "datasets", "datatrove") for r in extras[name]
    }
    imported = _third_party_imports()
    assert {"numpy", "numba", "trafilatura"} <= imported  # the walk sees imports
    assert imported <= runtime | optional, imported - runtime - optional
    assert "datasketch" not in runtime | imported
    assert "datasketch" in {dist(r) for r in extras["bench"]}
