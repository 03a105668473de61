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


def test_a_missing_sources_file_is_named_with_an_example_to_copy(tmp_path):
    result = runner.invoke(app, ["sources", "list", "--config", str(tmp_path / "sources.toml")])
    assert result.exit_code == 1
    assert "no such sources file" in result.output
    assert "[[sources]]" in result.output  # the example must survive the terminal markup


def test_a_bad_sources_file_is_refused_with_line_and_reason(tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text(
        '[[sources]]\nname = "a"\nstart_urls = ["http://x.gov.cn/"]\nallowed_domains = ["x.gov.cn"]\n'
        'article_urls = ["(bad"]\nschedule = "0 */6 * * *"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["sources", "list", "--config", str(config)])
    assert result.exit_code == 1
    assert f"{config}:5" in result.output and "(bad" in result.output
