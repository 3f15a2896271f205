"""Every CLI command has help with an example, and bad input gives one line, not a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cohortwatch.cli import cli, main


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            found.extend(all_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = all_commands(cli)


def test_cli_has_the_skeleton_commands() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"demo", "crawl", "db upgrade", "synth cohort", "serve"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cohortwatch")
def test_every_command_has_help_with_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert "cohortwatch" in result.output.split("Example:", 1)[1]


def test_unknown_setting_value_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COHORTWATCH_ENVIRONMENT", "staging")
    with pytest.raises(SystemExit) as exit_info:
        main(["db", "current"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: bad setting: environment")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_synth_style_choices_match_the_generator() -> None:
    from cohortwatch.commands.synth import STYLES as CLI_STYLES
    from cohortwatch.synth import STYLES

    assert CLI_STYLES == STYLES


def test_lazy_summaries_match_the_commands_own_help() -> None:
    from cohortwatch.cli import COMMANDS

    ctx = click.Context(cli)
    assert set(cli.list_commands(ctx)) == set(COMMANDS)
    for name, (_, summary) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.help is not None
        first_paragraph = " ".join(command.help.split("\n\n")[0].split())
        assert first_paragraph == summary, name


def test_help_does_not_import_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from cohortwatch.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('numba', 'polars', 'scrapy', 'sqlalchemy') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out, out
