"""The ``cohortwatch`` command line: a click group whose commands live in ``cohortwatch.commands``.

Every command's help carries an ``Example:`` (a test checks). Errors from any package become one
clear line on stderr and exit code 2 (1 is reserved for "found something", as in ``scan``).
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable

import click

from cohortwatch.errors import CohortWatchError
from cohortwatch.settings import Settings, SettingsError, load_settings

# Each command's module and the first paragraph of its help. Modules are imported only when a
# command is used, so `cohortwatch --help` and light commands do not load numba, polars or Scrapy
# (a test checks that these summaries match the commands' own help).
COMMANDS: dict[str, tuple[str, str]] = {
    "canary": (
        "cohortwatch.commands.fingerprint",
        "Decoy participants that pin a leak to the release they were appended to.",
    ),
    "crawl": (
        "cohortwatch.commands.crawl",
        "Crawl sources once (each in its own process) and raise alerts for leak offers.",
    ),
    "db": (
        "cohortwatch.commands.db",
        "Manage the database schema (SQLite by default, PostgreSQL via COHORTWATCH_DATABASE_URL).",
    ),
    "demo": (
        "cohortwatch.commands.demo",
        "Generate a synthetic cohort, crawl the demo marketplace, raise and print alerts.",
    ),
    "eval": ("cohortwatch.commands.eval", "Measure the matchers on labelled data."),
    "fingerprint": (
        "cohortwatch.commands.fingerprint",
        "Build and inspect the keyed cohort fingerprint the scanner uses.",
    ),
    "keygen": (
        "cohortwatch.commands.fingerprint",
        "Make a new 32-byte fingerprint key (hex, file mode 0600). Keep it apart from fingerprints.",
    ),
    "match": (
        "cohortwatch.commands.match",
        "Score a listing's text: does it offer the cohort's data, and why.",
    ),
    "scan": (
        "cohortwatch.commands.scan",
        "Scan files for participant-level rows of the cohort and say which release they came from.",
    ),
    "serve": (
        "cohortwatch.commands.serve",
        "Serve the dashboard, the JSON API and the scan endpoint (API tokens required).",
    ),
    "synth": (
        "cohortwatch.commands.synth",
        "Make synthetic cohorts shaped like UK Biobank extracts (no real data).",
    ),
    "token": (
        "cohortwatch.commands.token",
        "Make, list and revoke API tokens for the dashboard, the JSON API and the scan endpoint.",
    ),
    "watch": (
        "cohortwatch.commands.watch",
        "Crawl every source now and then on its own interval (``every_minutes``), until Ctrl-C.",
    ),
}
EXIT_ERROR = 2


def _short_help(summary: str, limit: int) -> str:
    """The first sentence of ``summary``, cut at a word to fit ``limit`` (as click shows it)."""
    sentence = summary.split(". ", 1)[0]
    sentence = sentence if sentence.endswith(".") or sentence == summary else sentence + "."
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "..."


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            register: Callable[[click.Group], None] = module.register
            register(self)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            loaded = self.commands.get(name)
            summary = (
                loaded.get_short_help_str(limit)
                if loaded is not None
                else _short_help(COMMANDS[name][1], limit)
            )
            rows.append((name, summary))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class AppContext:
    """What the group hands to each command: the settings, built once and lazily."""

    def __init__(self, overrides: dict[str, object]) -> None:
        self._overrides = overrides
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(**self._overrides)
        return self._settings


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where the database, evidence and keys live (default ./.cohortwatch).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="cohortwatch")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, verbose: int) -> None:
    """CohortWatch: find, prove and take down offers of a leaked research cohort.

    Example:

        cohortwatch demo
    """
    overrides: dict[str, object] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = AppContext(overrides)


def _library_errors() -> tuple[type[BaseException], ...]:
    """Base errors of every package, mapped to one line at this boundary."""
    from alerts.errors import AlertError
    from crawler.errors import CrawlError
    from matcher.errors import MatchError
    from storage.errors import StorageError

    return (CohortWatchError, SettingsError, StorageError, MatchError, CrawlError, AlertError)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    try:
        exit_code = cli.main(args=argv, prog_name="cohortwatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR if exc.exit_code == 1 else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except _library_errors() as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"Error: {exc.strerror or exc}{where}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        # A bug, not bad input: still one line for the user, the traceback for -vv.
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        click.echo(
            f"Error: unexpected {type(exc).__name__}: {exc} (run with -vv for details)", err=True
        )
        sys.exit(EXIT_ERROR)
    if isinstance(exit_code, int) and exit_code != 0:
        sys.exit(exit_code)
