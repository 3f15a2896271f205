"""``cohortwatch match``: score one listing's text (plain text or HTML) and say why."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import BinaryIO

import click

from cohortwatch.errors import UsageError
from crawler.text import visible_text
from matcher.listing_text import CohortProfile, TextScore, score_listing_text
from matcher.text.profile import default_profile, load_profile

MAX_INPUT_BYTES = 5_000_000
_HTML_START = re.compile(r"\s*(?:<!doctype html|<html|<head|<body|<div|<p[\s>]|<meta|<title)", re.I)


def _read(stream: BinaryIO) -> str:
    raw = stream.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        raise UsageError(
            f"input is larger than {MAX_INPUT_BYTES // 1_000_000} MB; give one listing"
        )
    return raw.decode("utf-8", errors="replace")


def read_listing(source: str) -> tuple[str, bool]:
    """The text of FILE (or stdin for ``-``) and whether it is HTML."""
    if source == "-":
        text = _read(sys.stdin.buffer)
        return text, bool(_HTML_START.match(text))
    path = Path(source)
    if path.is_dir():
        raise UsageError(f"{source} is a folder; give a file with one listing, or - for stdin")
    try:
        with path.open("rb") as handle:
            text = _read(handle)
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from exc
    is_html = path.suffix.lower() in {".html", ".htm"} or bool(_HTML_START.match(text))
    return text, is_html


def profile_option(path: Path | None) -> CohortProfile:
    """The profile at ``path``, or the shipped UK Biobank profile."""
    return default_profile() if path is None else load_profile(path)


PROFILE_PATH = click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Cohort profile YAML (default: the shipped UK Biobank profile).",
)
"""The ``--profile`` option of the commands that score listings (``match``, ``eval``)."""


def _render(result: TextScore, *, source: str, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "source": source,
                "score": result.score,
                "verdict": result.verdict.value,
                "reasons": list(result.reasons),
                "language": result.language,
                "scorer_version": result.scorer_version,
            },
            ensure_ascii=False,
        )
    lines = [f"{result.verdict.value}  score {result.score:.3f}  language {result.language}"]
    lines += [f"  - {reason}" for reason in result.reasons]
    return "\n".join(lines)


@click.command("match")
@click.argument("source", default="-", metavar="[FILE|-]")
@PROFILE_PATH
@click.option("--title", default="", help="The listing's title, when FILE holds only its text.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: score, verdict, reasons.")
def match(source: str, profile_path: Path | None, title: str, as_json: bool) -> None:
    """Score a listing's text: does it offer the cohort's data, and why.

    FILE is plain text or HTML (only the visible text is scored); without FILE, or with -, the
    listing is read from standard input. Prints the verdict (leak-offer, related, unrelated), a
    score in [0, 1], the language and the reasons, each quoting the listing's words.

    Example:

    \b
        cohortwatch match listing.html
        echo "UKB数据 低价转让 50万人 微信联系" | cohortwatch match --json
    """
    profile = profile_option(profile_path)
    text, is_html = read_listing(source)
    if is_html:
        text = visible_text(text)
    result = score_listing_text(title=title, text=text, profile=profile)
    click.echo(_render(result, source=source, as_json=as_json))


def register(group: click.Group) -> None:
    """Add the ``match`` command to the CLI."""
    group.add_command(match)
