"""Terminal output: rich tables of crawl runs and alerts. Listing titles are attacker-written, so
they are printed as plain text (rich markup escaped), never interpreted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cohortwatch.wiring import CrawlReport
from storage.models import Alert, Listing

MAX_TITLE = 70


def _clip(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_crawl_reports(console: Console, reports: Sequence[CrawlReport]) -> None:
    table = Table(title="Crawl runs")
    for column in (
        "source",
        "run",
        "status",
        "pages",
        "listings",
        "new",
        "attachments",
        "browser",
        "new alerts",
        "seconds",
    ):
        table.add_column(column, justify="right" if column not in ("source", "status") else "left")
    for r in reports:
        o = r.outcome
        table.add_row(
            escape(r.source_slug),
            str(r.run_id),
            str(o.status),
            str(o.count("response_received_count")),
            str(o.count("cohortwatch/listings_seen")),
            str(o.count("cohortwatch/listings_new")),
            str(o.count("cohortwatch/attachment_fetched")),
            str(o.count("cohortwatch/browser_fallback")),
            str(r.alerts_new),
            f"{o.seconds:.1f}",
        )
    console.print(table)
    for r in reports:
        if r.outcome.error:
            console.print(f"[red]{escape(r.source_slug)}: {escape(r.outcome.error)}[/red]")


def print_alerts(console: Console, alerts: Sequence[Alert], listings: dict[int, Listing]) -> None:
    table = Table(title=f"Alerts ({len(alerts)})")
    table.add_column("#", justify="right")
    table.add_column("severity")
    table.add_column("score", justify="right")
    table.add_column("listing")
    table.add_column("release")
    table.add_column("why")
    for alert in alerts:
        listing = listings.get(alert.listing_id)
        where = f"\n[dim]{escape(listing.url)}[/dim]" if listing else ""
        reasons = "\n".join(escape(_clip(r, 90)) for r in alert.reasons[:3])
        table.add_row(
            str(alert.id),
            str(alert.severity),
            f"{alert.score:.2f}",
            escape(_clip(alert.title)) + where,
            escape(alert.release or ""),
            reasons,
        )
    console.print(table)
