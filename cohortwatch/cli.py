"""The ``cohortwatch`` command line: a click group whose commands live in ``cohortwatch.commands``.

Every command's help carries an ``Example:`` (a test checks). Errors from any package become one
clear line on stderr and exit code 2 (1 is reserved for "found something", as in ``scan``).
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from cohortwatch.errors import CohortWatchError
from cohortwatch.settings import Settings, SettingsError, load_settings

COMMAND_MODULES: tuple[str, ...] = (
    "cohortwatch.commands.db",
    "cohortwatch.commands.synth",
    "cohortwatch.commands.crawl",
    "cohortwatch.commands.demo",
    "cohortwatch.commands.serve",
    "cohortwatch.commands.match",
    "cohortwatch.commands.eval",
    "cohortwatch.commands.watch",
    "cohortwatch.commands.fingerprint",
    "cohortwatch.commands.scan",
)
EXIT_ERROR = 2


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


pass_app = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


def _register_commands() -> None:
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(cli)


_register_commands()


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
