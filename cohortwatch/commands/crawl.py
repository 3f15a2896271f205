"""``cohortwatch crawl``: crawl configured sources once, store what they list, raise alerts."""

from __future__ import annotations

from pathlib import Path

import click

from cohortwatch.errors import UsageError
from cohortwatch.settings import Settings


@click.command()
@click.option(
    "--source",
    "source_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A source YAML file (repeatable). Default: every file in --sources-dir.",
)
@click.option(
    "--sources-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A folder of source YAML files (default: the built-in sources).",
)
@click.option("--base-url", default=None, help="Point the sources at this address instead.")
@click.pass_context
def crawl(
    ctx: click.Context,
    source_files: tuple[Path, ...],
    sources_dir: Path | None,
    base_url: str | None,
) -> None:
    """Crawl sources once (each in its own process) and raise alerts for leak offers.

    Example:

        cohortwatch crawl --source my-sources/marketplace.yaml
    """
    from rich.console import Console

    from cohortwatch.report import print_crawl_reports
    from cohortwatch.wiring import crawl_source, open_database
    from crawler.sources import load_source, load_sources

    settings: Settings = ctx.find_root().obj.settings
    sources = [load_source(p) for p in source_files] if source_files else load_sources(sources_dir)
    if not sources:
        raise UsageError("no sources to crawl")
    if base_url is not None:
        sources = [s.with_base_url(base_url) for s in sources]
    engine = open_database(settings)
    try:
        reports = [crawl_source(settings=settings, engine=engine, source=s) for s in sources]
    finally:
        engine.dispose()
    print_crawl_reports(Console(), reports)
    if any(r.outcome.error for r in reports):
        ctx.exit(2)


def register(group: click.Group) -> None:
    group.add_command(crawl)
