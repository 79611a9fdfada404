"""`--help` and README.md agree: every command has help with an example, a usage line in a
README code block, and each of its options mentioned in the README."""

import re
from pathlib import Path

import click
import pytest

from kg.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
CODE_LINES = [line.strip() for block in re.findall(r"```[^\n]*\n(.*?)```", README, re.S) for line in block.splitlines()]


def all_commands(group=main, path=()):
    yield path, group
    if isinstance(group, click.Group):
        context = click.Context(group)
        for name in group.list_commands(context):
            yield from all_commands(group.get_command(context, name), path + (name,))


COMMANDS = list(all_commands())
LEAVES = [(path, command) for path, command in COMMANDS if path and not isinstance(command, click.Group)]


LEAF_IDS = [" ".join(("kg",) + path) for path, _ in LEAVES]


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda p: " ".join(("kg",) + p))
def test_every_command_has_help_with_an_example(run_kg, path):
    result = run_kg(*path, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.stdout and "Example:" in result.stdout


@pytest.mark.parametrize("path, command", LEAVES, ids=LEAF_IDS)
def test_every_command_has_a_usage_line_in_the_readme(path, command):
    usage = " ".join(("kg",) + path)
    assert any(re.match(rf"(\S*/)?{re.escape(usage)}(\s|$)", line) for line in CODE_LINES), usage


@pytest.mark.parametrize("path, command", LEAVES, ids=LEAF_IDS)
def test_every_option_is_in_the_readme(path, command):
    missing = [
        param.opts[0] for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        and not any(re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", README) for opt in param.opts + param.secondary_opts)
    ]
    assert not missing, f"kg {' '.join(path)}: {', '.join(missing)} not in README.md"
