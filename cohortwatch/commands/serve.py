"""``cohortwatch serve``: the dashboard and JSON API."""

from __future__ import annotations

import click

from cohortwatch.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the dashboard and JSON API (no login yet: keep it on 127.0.0.1).

    Example:

        cohortwatch serve --port 8000
    """
    import uvicorn

    from cohortwatch.wiring import open_database
    from dashboard.app import DashboardConfig, create_app

    settings: Settings = ctx.find_root().obj.settings
    engine = open_database(settings)
    app = create_app(DashboardConfig(engine=engine, evidence_dir=settings.evidence_dir))
    click.echo(f"dashboard on http://{host}:{port}/  (Ctrl-C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        engine.dispose()


def register(group: click.Group) -> None:
    group.add_command(serve)
