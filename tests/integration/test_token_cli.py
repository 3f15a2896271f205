"""``cohortwatch token`` create / list / revoke through the CLI, and what ``serve`` builds from
the settings (session key, scan endpoint, the "make a token" hint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from cohortwatch.cli import cli
from cohortwatch.commands.serve import _has_login_token, scan_config, session_key
from cohortwatch.errors import UsageError
from cohortwatch.settings import Settings
from cohortwatch.wiring import open_database
from dashboard.tokens import hash_token, token_prefix
from storage.models import ApiToken


def run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout, and stderr or the error ``cohortwatch.cli.main`` would print."""
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        return 2, result.stdout, str(error)
    return result.exit_code, result.stdout, result.stderr


def test_create_prints_the_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, "token", "create", "--name", "gateway", "--scope", "scan")
    assert code == 0, out + err
    token = out.strip()
    assert token_prefix(token) is not None and "shown only this once" in err
    code, listing, _ = run(tmp_path, "token", "list")
    assert code == 0 and "gateway" in listing and "scan" in listing and "never" in listing
    assert token not in listing and token.split("_", 2)[2] not in listing
    engine = open_database(Settings(environment="test", data_dir=tmp_path), migrate=False)
    try:
        with Session(engine) as session:
            row = session.exec(select(ApiToken)).one()
    finally:
        engine.dispose()
    assert row.token_hash == hash_token(token) and token not in row.model_dump_json()


def test_names_scopes_and_revocation(tmp_path: Path) -> None:
    assert (
        run(tmp_path, "token", "create", "--name", "me", "--scope", "read", "--scope", "scan")[0]
        == 0
    )
    code, _, err = run(tmp_path, "token", "create", "--name", "me", "--scope", "read")
    assert code != 0 and "active token named 'me'" in err
    code, _, err = run(tmp_path, "token", "create", "--name", "bad name", "--scope", "read")
    assert code != 0 and "bad token name" in err
    assert run(tmp_path, "token", "create", "--name", "x", "--scope", "root")[0] != 0
    code, out, _ = run(tmp_path, "token", "revoke", "me")
    assert code == 0 and "Revoked 1" in out
    code, _, err = run(tmp_path, "token", "revoke", "me")
    assert code != 0 and "no active token named 'me'" in err
    code, out, _ = run(tmp_path, "token", "list", "--all", "--json")
    tokens = json.loads(out)
    assert [(t["name"], t["scopes"], t["active"]) for t in tokens] == [
        ("me", ["read", "scan"], False)
    ]
    assert tokens[0]["revoked_at"] and "token_hash" not in tokens[0]
    assert run(tmp_path, "token", "list")[1].startswith("No tokens.")


def test_serve_hint_session_key_and_scan_config(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path)
    engine = open_database(settings)
    try:
        assert not _has_login_token(engine)
        run(tmp_path, "token", "create", "--name", "gw", "--scope", "scan")
        assert not _has_login_token(engine)  # a scan token cannot log in
        run(tmp_path, "token", "create", "--name", "me", "--scope", "admin")
        assert _has_login_token(engine)
    finally:
        engine.dispose()

    placeholder_a, lasting = session_key(settings)
    assert not lasting and placeholder_a != session_key(settings)[0]  # random per process
    fixed = Settings(environment="test", data_dir=tmp_path, secret_key="s3cret-for-tests")
    assert session_key(fixed) == session_key(fixed) and session_key(fixed)[1]

    assert scan_config(settings) is None
    missing = settings.model_copy(update={"fingerprint_path": tmp_path / "nope.fp"})
    with pytest.raises(UsageError, match="does not exist"):
        scan_config(missing)


def test_serve_prepares_the_scanner_once_at_start(tmp_path: Path) -> None:
    """A fingerprint in the settings: ``serve`` loads it, and sorts every family of it before
    the first scan, so no scan sorts its own."""
    from cohortwatch.synth import generate_cohort, render_cohort
    from matcher.dictionary import load_dictionary
    from matcher.fingerprint import build_fingerprint, save_fingerprint
    from matcher.linkage import ALL_FAMILIES

    dictionary = load_dictionary()
    key = bytes(range(32))
    cohort = render_cohort(
        generate_cohort(rows=300, seed=3, dictionary=dictionary),
        style="ukbconv",
        dictionary=dictionary,
    )
    fp = build_fingerprint(cohort, dictionary=dictionary, key=key, releases={})
    save_fingerprint(fp, tmp_path / "c.fp")
    (tmp_path / "fp.key").write_text(key.hex())
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        fingerprint_path=tmp_path / "c.fp",
        fingerprint_key_file=tmp_path / "fp.key",
    )
    config = scan_config(settings)
    assert config is not None
    names, index = config.fingerprint.cache[ALL_FAMILIES]
    assert names == [f.name for f in config.fingerprint.families]
    assert int(index.sizes.sum()) == len(names) * config.fingerprint.total_rows

    small = settings.model_copy(update={"scan_index_all_families": False})
    lean = scan_config(small)
    assert lean is not None and ALL_FAMILIES not in lean.fingerprint.cache
