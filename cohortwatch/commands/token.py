"""``cohortwatch token``: make, list and revoke the API tokens of the dashboard, API and scanner.

A token is printed once, when it is made; the database keeps only its hash and a lookup prefix.
Scopes: ``read`` (dashboard pages and the JSON API), ``scan`` (``POST /api/scan``), ``admin``
(everything).
"""

from __future__ import annotations

import json
from datetime import timedelta

import click

from cohortwatch.settings import Settings
from storage.enums import TokenScope

SCOPES = [scope.value for scope in TokenScope]


def _settings() -> Settings:
    settings: Settings = click.get_current_context().find_root().obj.settings
    return settings


@click.group("token")
def token() -> None:
    """Make, list and revoke API tokens for the dashboard, the JSON API and the scan endpoint.

    A token is shown once, when it is made; only its hash is stored.

    Example:

        cohortwatch token create --name gateway --scope scan
    """


@token.command("create")
@click.option("--name", required=True, help="Who or what uses it (letters, digits, . _ -).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(SCOPES),
    help="read: dashboard and API; scan: POST /api/scan; admin: everything. Repeatable.",
)
@click.option(
    "--expires-days", type=click.IntRange(min=1), default=None, help="Expire after N days."
)
def create(name: str, scopes: tuple[str, ...], expires_days: int | None) -> None:
    """Make a token and print it (once: it cannot be shown again).

    Example:

        cohortwatch token create --name gateway --scope scan --expires-days 365
    """
    from cohortwatch.errors import UsageError
    from cohortwatch.wiring import open_database, utcnow
    from dashboard.tokens import issue_token
    from storage.db import session_scope
    from storage.models.tokens import ApiTokenBase

    try:
        ApiTokenBase.model_validate({"name": name})
    except ValueError:
        raise UsageError(f"bad token name {name!r}: use letters, digits, '.', '_' or '-'") from None
    now = utcnow()
    expires_at = now + timedelta(days=expires_days) if expires_days else None
    engine = open_database(_settings())
    try:
        with session_scope(engine) as session:
            made, _ = issue_token(
                session=session,
                name=name,
                scopes=[TokenScope(s) for s in scopes],
                now=now,
                expires_at=expires_at,
            )
    finally:
        engine.dispose()
    click.echo(made.text)
    until = f", expires {expires_at:%Y-%m-%d}" if expires_at else ""
    click.echo(
        f"Token {name!r} ({', '.join(sorted(set(scopes)))}{until}) made. It is shown only "
        "this once: store it in your secret store now.",
        err=True,
    )


@token.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also revoked and expired tokens.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per token, in a list.")
def list_tokens(show_all: bool, as_json: bool) -> None:
    """List tokens: name, prefix, scopes, created, last used (never the token or its hash).

    Example:

        cohortwatch token list --all
    """
    from cohortwatch.wiring import open_database, utcnow
    from storage.db import session_scope
    from storage.models import ApiTokenPublic
    from storage.queries import list_api_tokens

    now = utcnow()
    engine = open_database(_settings())
    try:
        with session_scope(engine) as session:
            rows = list_api_tokens(session=session, now=now, include_inactive=show_all)
            tokens = [
                (ApiTokenPublic.model_validate(row, from_attributes=True), row.is_active(now))
                for row in rows
            ]
    finally:
        engine.dispose()
    if as_json:
        data = [t.model_dump(mode="json") | {"active": active} for t, active in tokens]
        click.echo(json.dumps(data, indent=2))
        return
    if not tokens:
        click.echo("No tokens. Make one: cohortwatch token create --name NAME --scope read")
        return
    for t, active in tokens:
        state = "active" if active else ("revoked" if t.revoked_at else "expired")
        used = f"{t.last_used_at:%Y-%m-%d %H:%M} UTC" if t.last_used_at else "never"
        click.echo(
            f"{t.name}  cw_{t.prefix}_…  {','.join(t.scopes)}  {state}  "
            f"created {t.created_at:%Y-%m-%d}  last used {used}"
        )


@token.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the active token called NAME; it stops working at once (sessions included).

    Example:

        cohortwatch token revoke gateway
    """
    from cohortwatch.wiring import open_database, utcnow
    from storage.db import session_scope
    from storage.queries import revoke_api_token

    engine = open_database(_settings())
    try:
        with session_scope(engine) as session:
            revoked = revoke_api_token(session=session, name=name, now=utcnow())
    finally:
        engine.dispose()
    click.echo(f"Revoked {len(revoked)} token(s) named {name!r}.")


def register(group: click.Group) -> None:
    group.add_command(token)
