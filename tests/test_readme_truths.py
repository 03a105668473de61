"""What the README states about the code and about CI stays true.

- The architecture section names modules, classes and functions (`pipeline.process.process_page`):
  each name must exist, so the map of the code cannot drift from the code.
- `.ci/run` runs the README's two commands exactly as written, so a fresh
  machine's install failing is a CI failure, not a surprise for the next user.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_SCRIPT = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
LAYERS = ("core", "crawler", "pipeline", "storage", "web", "dangan")

_ARCHITECTURE = README.split("\n## Architecture", 1)[-1].split("\n## ", 1)[0]
# A dotted name in backticks that starts with one of our packages: `storage.store.Store.open`.
_DOTTED = re.compile(r"`((?:%s)(?:\.\w+)+)`" % "|".join(LAYERS))
NAMES = sorted(set(_DOTTED.findall(_ARCHITECTURE)))


def _resolve(dotted: str) -> object:
    """Import the longest module prefix of `dotted`, then follow attributes for the rest."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


def test_the_readme_has_an_architecture_section_that_names_the_code():
    assert "\n## Architecture" in README
    for folder in (*LAYERS, "tests", "bench"):
        assert f"{folder}/" in _ARCHITECTURE, f"the architecture section does not place {folder}/"
    assert len(NAMES) >= 15, NAMES


@pytest.mark.parametrize("dotted", NAMES)
def test_each_name_in_the_architecture_section_exists(dotted):
    _resolve(dotted)


def _bash_blocks(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", markdown, flags=re.S)


def test_ci_runs_the_readme_commands_as_written():
    install_and_run, run_tests = (block.strip() for block in _bash_blocks(README)[:2])
    assert "pip install" in install_and_run and "pytest" in run_tests
    ci_lines = [line.strip() for line in CI_SCRIPT.splitlines()]
    for command in (install_and_run, run_tests):
        assert command in ci_lines, f".ci/run does not run the README's command as written, alone on its line: {command}"
    assert "--upgrade pip" not in CI_SCRIPT, "CI must use the pip a fresh venv brings, as a user does"


def _settings_table() -> dict[str, str]:
    section = README.split("\n## Settings", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]*) \|", section, flags=re.M)
    return {name: default.strip() for name, default in rows}


def test_every_dangan_setting_is_in_the_readme_with_its_default():
    from core import settings

    table = _settings_table()
    for name in (name for name in dir(settings) if name.startswith("DANGAN_")):
        assert name in table, f"README's settings table lacks {name}"
        value = getattr(settings, name)
        if isinstance(value, bool):
            assert table[name] == str(value), f"{name}: README says {table[name]}, the code {value}"
        elif isinstance(value, (int, float)):
            assert float(table[name].replace(",", "")) == value, f"{name}: README says {table[name]}, the code {value}"
        elif isinstance(value, str):
            assert table[name] == f"`{value}`", f"{name}: README says {table[name]}, the code {value!r}"
