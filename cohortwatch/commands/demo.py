"""``cohortwatch demo``: run the whole flow against the demo marketplace on 127.0.0.1."""

from __future__ import annotations

import click

from cohortwatch.settings import Settings

DEMO_PORT = 8765  # stable, so listing URLs (and so dedupe) survive a second demo run


@click.command()
@click.option(
    "--port",
    default=DEMO_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port of the demo marketplace on 127.0.0.1 (a free one if taken; keep it stable so "
    "a second run sees the same listing URLs).",
)
@click.pass_context
def demo(ctx: click.Context, port: int) -> None:
    """Generate a synthetic cohort, crawl the demo marketplace, raise and print alerts.

    Nothing leaves 127.0.0.1: the marketplace is served locally for the length of the run.
    The data (SQLite database, evidence, cohort) stays in the data dir for the dashboard.

    Example:

        cohortwatch --data-dir /tmp/cw-demo demo
    """
    from rich.console import Console

    from cohortwatch.demo import run_demo
    from cohortwatch.report import print_alerts, print_crawl_reports

    settings: Settings = ctx.find_root().obj.settings
    console = Console()
    console.print("[bold]CohortWatch demo[/bold] — everything runs on 127.0.0.1")
    result = run_demo(settings, port=port)
    print_crawl_reports(console, result.reports)
    print_alerts(console, result.alerts, result.listings)
    counts = result.counts
    console.print(
        f"Stored: {counts.get('listing', 0)} listings, {counts.get('listing_snapshot', 0)} "
        f"snapshots, {counts.get('attachment', 0)} attachments, {counts.get('match', 0)} matches, "
        f"{counts.get('alert', 0)} alerts."
    )
    ok = (
        result.leaks_found == result.planted_leaks
        and result.near_misses_alerted == 0
        and result.noise_alerted == 0
    )
    colour = "green" if ok else "red"
    console.print(
        f"[{colour}]Planted leak offers found: {result.leaks_found}/{result.planted_leaks}; "
        f"near misses alerted: {result.near_misses_alerted}; "
        f"noise alerted: {result.noise_alerted}[/{colour}]"
    )
    named = ", ".join(f"{name} ({n})" for name, n in sorted(result.releases_named.items()))
    console.print(
        f"Attachments holding participant-level rows of the cohort: {result.samples_linked}; "
        f"their IDs point to: {named or 'no release'} (the demo leaked {result.leaked_release})."
    )
    data_dir = settings.data_dir.resolve()
    console.print(
        f"Database: {settings.resolved_database_url()}"
        if settings.database_url is None
        else "Database: (configured COHORTWATCH_DATABASE_URL)"
    )
    console.print(f"Evidence: {data_dir / 'evidence'}")
    console.print(f"Cohort:   {result.cohort_path.resolve()}")
    console.print("See the alerts in the dashboard: cohortwatch serve  →  http://127.0.0.1:8000/")
    console.print(
        "Log in at http://127.0.0.1:8000/login with this read-only token "
        f"(shown once; the next demo run replaces it):\n  {result.dashboard_token}",
        highlight=False,
        soft_wrap=True,
    )
    if any(r.outcome.error for r in result.reports) or not ok:
        ctx.exit(2)


def register(group: click.Group) -> None:
    group.add_command(demo)
