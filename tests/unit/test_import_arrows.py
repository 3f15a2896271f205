"""The package import arrows follow DESIGN.md: storage and matcher import nothing of ours, and so on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"storage", "matcher", "crawler", "alerts", "dashboard", "cohortwatch"}
ALLOWED = {
    "storage": set(),
    "matcher": set(),
    "crawler": {"storage", "matcher"},
    "alerts": {"storage", "matcher"},
    "dashboard": {"storage", "matcher", "alerts"},
    "cohortwatch": OURS,
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


def arrows() -> list[tuple[str, Path]]:
    return [(pkg, path) for pkg in sorted(OURS) for path in sorted((ROOT / pkg).rglob("*.py"))]


@pytest.mark.parametrize(("package", "path"), arrows(), ids=lambda v: str(v))
def test_imports_follow_design(package: str, path: Path) -> None:
    wrong = imported_packages(path) - ALLOWED[package] - {package}
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, not allowed for {package}"


def test_walker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from crawler.items import ListingItem\nimport dashboard.app\n")
    assert imported_packages(bad) == {"crawler", "dashboard"}


def test_every_package_has_modules() -> None:
    assert all(any((ROOT / pkg).rglob("*.py")) for pkg in OURS)
