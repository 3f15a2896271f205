"""``cohortwatch watch``: the main job — crawl every source on its schedule until stopped."""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import click

from cohortwatch.errors import UsageError
from cohortwatch.settings import Settings

logger = logging.getLogger(__name__)


@click.command()
@click.option(
    "--sources-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A folder of source YAML files (default: the built-in sources).",
)
@click.option("--base-url", default=None, help="Point every source at this address instead.")
@click.pass_context
def watch(ctx: click.Context, sources_dir: Path | None, base_url: str | None) -> None:
    """Crawl every source now and then on its own interval (``every_minutes``), until Ctrl-C.

    Runs the in-process scheduler: one crawl at a time, each in its own child process, each
    recorded as a crawl run, alerts raised after each. Ctrl-C or SIGTERM stops it (exit 0)
    once the running crawl has finished.

    Example:

        cohortwatch watch --sources-dir /etc/cohortwatch/sources
    """
    from cohortwatch.wiring import crawl_source, open_database
    from crawler.errors import CrawlError
    from crawler.scheduler import CrawlScheduler
    from crawler.sources import SourceConfig, load_sources
    from storage.errors import StorageError

    settings: Settings = ctx.find_root().obj.settings
    sources = [s for s in load_sources(sources_dir) if s.enabled]
    if not sources:
        raise UsageError("no enabled sources to watch")
    if base_url is not None:
        sources = [s.with_base_url(base_url) for s in sources]
    engine = open_database(settings)

    def crawl(source: SourceConfig) -> None:
        try:
            report = crawl_source(settings=settings, engine=engine, source=source)
        except (CrawlError, StorageError) as exc:
            click.echo(f"{source.slug}: crawl not run: {exc}", err=True)
            return
        outcome = report.outcome
        click.echo(
            f"{source.slug}: run {report.run_id} {outcome.status}, "
            f"{outcome.count('cohortwatch/listings_seen')} listings, "
            f"{report.alerts_new} new alert(s)" + (f" — {outcome.error}" if outcome.error else "")
        )

    scheduler = CrawlScheduler(job=crawl)

    def stop(signum: int, frame: object) -> None:
        click.echo("stopping once the running crawl (if any) has finished", err=True)
        scheduler.stop()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for source in sources:
        scheduler.schedule(source)
        click.echo(f"{source.slug}: every {source.every_minutes} min")
    try:
        scheduler.run_forever()
    finally:
        engine.dispose()


def register(group: click.Group) -> None:
    group.add_command(watch)
