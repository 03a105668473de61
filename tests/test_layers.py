"""Imports point one way: dangan → web → crawler → pipeline → storage → core.

The command line sits on top and nothing imports it; the store does not know
the crawler or the extractor; `core` imports none of ours. Read from the
source with `ast`, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ("core", "storage", "pipeline", "crawler", "web", "dangan")  # each may import those before it


def _our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(ORDER)


@pytest.mark.parametrize("layer", ORDER)
def test_a_layer_imports_only_the_layers_below_it(layer):
    allowed = set(ORDER[: ORDER.index(layer) + 1])
    wrong = {
        str(path.relative_to(ROOT)): sorted(_our_imports(path) - allowed)
        for path in (ROOT / layer).rglob("*.py")
        if _our_imports(path) - allowed
    }
    assert wrong == {}


def test_processing_stages_know_nothing_of_scrapy_or_the_database():
    stages = [ROOT / "pipeline" / name for name in ("decode.py", "normalize.py", "fingerprint.py", "process.py")]
    stages += list((ROOT / "pipeline" / "extract").glob("*.py"))
    for path in stages:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {m for m in modules if m.split(".")[0] in ("scrapy", "twisted", "sqlalchemy", "storage")}, path


def test_the_web_app_reads_the_store_and_nothing_of_crawling_or_processing():
    # The server stands beside the crawler, not on it: it needs the store alone,
    # so a read-only archive can be served without Scrapy or the extractor running.
    wrong = {
        str(path.relative_to(ROOT)): sorted(_our_imports(path) - {"core", "storage", "web"})
        for path in (ROOT / "web").rglob("*.py")
        if _our_imports(path) - {"core", "storage", "web"}
    }
    assert wrong == {}
