"""Every command documents itself: help with an example, and a section in the README."""

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from dangan.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,)


COMMANDS = sorted(_commands(typer.main.get_command(app)))


def test_the_command_list_is_what_the_readme_promises():
    names = {" ".join(parts) for parts in COMMANDS}
    assert {"crawl", "extract", "reprocess", "export", "history", "show", "diff", "demo", "sources list"} <= names


@pytest.mark.parametrize("parts", COMMANDS, ids=lambda parts: " ".join(parts))
def test_each_command_has_help_with_an_example(parts):
    result = runner.invoke(app, [*parts, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


@pytest.mark.parametrize("parts", COMMANDS, ids=lambda parts: " ".join(parts))
def test_each_command_has_a_readme_section_with_an_example(parts):
    heading = f"### dangan {parts[0]}"
    assert heading in README
    section = README.split(heading, 1)[1].split("\n### ", 1)[0]
    assert f"dangan {' '.join(parts)}" in section
