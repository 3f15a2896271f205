"""``cohortwatch serve``: the dashboard, the JSON API and the scan endpoint, behind API tokens.

Builds the dashboard from the settings: the database, the key that signs browser sessions
(derived from ``secret_key``; a random one per run while it is the development placeholder), and,
when ``fingerprint_path`` is set, the fingerprint and key ``POST /api/scan`` scans with.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
from typing import TYPE_CHECKING

import click

from cohortwatch.settings import PLACEHOLDER_SECRET, Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from dashboard.scan_api import ScanConfig

SESSION_KEY_CONTEXT = b"cohortwatch dashboard sessions v1"


def session_key(settings: Settings) -> tuple[bytes, bool]:
    """The key that signs dashboard sessions, and whether it lasts beyond this process."""
    secret = settings.secret_key.get_secret_value()
    if secret in ("", PLACEHOLDER_SECRET):
        return secrets.token_bytes(32), False
    return hmac.new(secret.encode("utf-8"), SESSION_KEY_CONTEXT, hashlib.sha256).digest(), True


def scan_config(settings: Settings) -> ScanConfig | None:
    """What the scan endpoint scans with, or None when no fingerprint is configured."""
    if settings.fingerprint_path is None:
        return None
    from cohortwatch.errors import UsageError
    from cohortwatch.keys import load_key
    from cohortwatch.memory import keep_memory_for_service
    from dashboard.scan_api import ScanConfig
    from matcher.fingerprint import check_key, load_fingerprint
    from matcher.scan import prepare_service

    if not settings.fingerprint_path.is_file():
        raise UsageError(f"fingerprint {settings.fingerprint_path} does not exist")
    # before any thread starts: a scan's freed memory serves the next one
    keep_memory_for_service(kept_bytes=settings.scan_memory_kept_bytes)
    key = load_key(settings.fingerprint_key_file, settings)
    fingerprint = load_fingerprint(settings.fingerprint_path)
    check_key(fingerprint, key)
    # kernels loaded and every family sorted before the first request: no scan waits for them
    prepare_service(fingerprint, index_families=settings.scan_index_all_families)
    return ScanConfig(
        fingerprint=fingerprint,
        key=key,
        max_bytes=settings.scan_max_bytes,
        concurrency=settings.scan_concurrency,
        max_queued=settings.scan_max_queued,
    )


def _has_login_token(engine: Engine) -> bool:
    from cohortwatch.wiring import utcnow
    from storage.db import session_scope
    from storage.enums import TokenScope
    from storage.queries import list_api_tokens

    with session_scope(engine) as session:
        tokens = list_api_tokens(session=session, now=utcnow())
        return any({TokenScope.READ, TokenScope.ADMIN} & set(t.scopes) for t in tokens)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the dashboard, the JSON API and the scan endpoint (API tokens required).

    Log in to the pages with a token of scope read (cohortwatch token create); the API takes
    it as a bearer token. POST /api/scan (scope scan) is on when fingerprint_path is set. It
    speaks plain HTTP: anywhere but 127.0.0.1, put it behind a TLS-terminating proxy.

    Example:

        cohortwatch token create --name me --scope read
        cohortwatch serve --port 8000
    """
    import uvicorn

    from cohortwatch.wiring import open_database
    from dashboard.app import DashboardConfig, create_app
    from dashboard.throttle import ThrottleLimits

    settings: Settings = ctx.find_root().obj.settings
    engine = open_database(settings)
    scan = scan_config(settings)
    key, lasting = session_key(settings)
    app = create_app(
        DashboardConfig(
            engine=engine,
            evidence_dir=settings.evidence_dir,
            secret_key=key,
            session_seconds=int(settings.session_hours * 3600),
            secure_cookies=settings.resolved_secure_cookies(),
            throttle=ThrottleLimits(
                max_failures=settings.auth_max_failures,
                window_seconds=settings.auth_failure_window_seconds,
            ),
            scan=scan,
        )
    )
    base = f"http://{host}:{port}"
    click.echo(f"dashboard on {base}/  (log in at {base}/login; Ctrl-C to stop)")
    if not _has_login_token(engine):
        click.echo(
            "No token can log in yet. Make one (it is printed once):\n"
            "  cohortwatch token create --name YOUR-NAME --scope read"
        )
    if scan is not None:
        click.echo(f"scan endpoint: POST {base}/api/scan  (token scope scan)")
        audit = logging.getLogger("dashboard.scan_api")  # one line per scan, even without -v
        audit.setLevel(min(audit.getEffectiveLevel(), logging.INFO))
    if not lasting:
        click.echo("secret_key is not set: logins end when this server stops.")
    if not _is_loopback(host):
        click.echo("Warning: plain HTTP on a non-loopback address; put a TLS proxy in front.")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        engine.dispose()


def register(group: click.Group) -> None:
    group.add_command(serve)
