"""``cohortwatch eval``: measure the matchers on labelled data (``eval listings DIR``)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import click

from cohortwatch.commands.match import PROFILE_PATH, profile_option
from cohortwatch.errors import UsageError
from matcher.text.evaluation import LabelledListing, evaluate, format_report, parse_corpus
from matcher.text.model import train_model
from matcher.text.native import describe
from matcher.text.pages import listing_body
from matcher.text.scoring import SCORER_VERSION, score_listing_text

MAX_CORPUS_BYTES = 50_000_000
CORPUS = click.argument("corpus", type=click.Path(path_type=Path))
SPLIT = click.option(
    "--split",
    default="all",
    show_default=True,
    help="Score only the listings of this split (dev, test, blind, ...; all for every one).",
)


def load_corpus(path: Path, *, split: str) -> list[LabelledListing]:
    """Every labelled listing in ``path`` (a JSON Lines file, or a folder of them) of ``split``."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise UsageError(f"{path} holds no .jsonl file")
    elif path.is_file():
        files = [path]
    else:
        raise UsageError(f"{path} does not exist")
    listings: list[LabelledListing] = []
    for file in files:
        if file.stat().st_size > MAX_CORPUS_BYTES:
            raise UsageError(f"{file} is larger than {MAX_CORPUS_BYTES // 1_000_000} MB")
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {file}: {exc}") from exc
        listings.extend(parse_corpus(text, source=str(file)))
    if split != "all":
        listings = [x for x in listings if x.split == split]
    if not listings:
        raise UsageError(f"no labelled listing of split {split!r} in {path}")
    return listings


@click.group("eval")
def eval_group() -> None:
    """Measure the matchers on labelled data.

    Example:

    \b
        cohortwatch eval listings tests/data/listings --split dev
    """


@eval_group.command("listings")
@CORPUS
@SPLIT
@PROFILE_PATH
@click.option("--errors", "show_errors", type=int, default=0, help="Also list N misclassified.")
def listings(corpus: Path, split: str, profile_path: Path | None, show_errors: int) -> None:
    """Precision, recall and F1 per verdict, and the confusion matrix, on a labelled corpus.

    CORPUS is a JSON Lines file or a folder of them, one listing per line with id, title, text,
    label (leak-offer, related, unrelated) and optionally split. Tune a profile on the dev split;
    keep the test split for the final measurement.

    Example:

    \b
        cohortwatch eval listings tests/data/listings --split dev --errors 10
        cohortwatch eval listings tests/data/listings --profile my-profile.yaml
    """
    profile = profile_option(profile_path)
    report = evaluate(load_corpus(corpus, split=split), profile)
    click.echo(format_report(report))
    for listing, result in report.errors[: max(show_errors, 0)]:
        click.echo(f"\n{listing.id}: label {listing.label}, verdict {result.verdict.value}")
        click.echo(f"  title: {listing.title[:120]}")
        for reason in result.reasons:
            click.echo(f"  - {reason}")


@eval_group.command("digest")
@CORPUS
@SPLIT
@PROFILE_PATH
def digest(corpus: Path, split: str, profile_path: Path | None) -> None:
    """One digest of every listing's score, verdict, reasons and language.

    A change meant to keep every score (a speed-up, a move between modules) prints the same
    digest before and after, compiled and in pure Python (COHORTWATCH_PURE_PYTHON=1). It names
    no listing and no number, so running it on held-out splits leaves them unread.

    Example:

    \b
        cohortwatch eval digest tests/data/listings
        COHORTWATCH_PURE_PYTHON=1 cohortwatch eval digest tests/data/listings
    """
    profile = profile_option(profile_path)
    listings = load_corpus(corpus, split=split)
    scores = hashlib.sha256()
    for listing in listings:
        result = score_listing_text(title=listing.title, text=listing.text, profile=profile)
        seen = [
            listing.id,
            result.score,
            result.verdict.value,
            list(result.reasons),
            result.language,
        ]
        scores.update(json.dumps(seen, ensure_ascii=False).encode("utf-8") + b"\n")
    click.echo(f"{describe()}")
    click.echo(f"{len(listings)} listings, {SCORER_VERSION}: digest {scores.hexdigest()[:16]}")


@eval_group.command("train-model")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option(
    "--split",
    "splits",
    multiple=True,
    required=True,
    help="Learn from the listings of this split; repeat for several. Never the held-out ones.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the model (JSON); name it in the profile's 'model' section.",
)
def train_model_command(corpus: Path, splits: tuple[str, ...], out_path: Path) -> None:
    """Learn the wording model of a profile from labelled listings.

    A logistic regression over words, Chinese characters and their pairs: leak offers against
    everything else. The result is deterministic for the same corpus and splits. Train on the
    development splits only, then measure with `eval listings` on a split it never saw.

    Example:

    \b
        cohortwatch eval train-model tests/data/listings --split dev --split blind \\
            --out matcher/profiles/ukbiobank-wording.json
    """
    listings = [x for split in splits for x in load_corpus(corpus, split=split)]
    variants = Counter(x.group for x in listings)
    examples = [
        (listing_body(title=x.title, text=x.text), x.label == "leak-offer", 1 / variants[x.group])
        for x in listings
    ]
    model = train_model(examples, trained_on=splits)
    try:
        out_path.write_text(model.to_json() + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    offers = sum(offer for _, offer, _ in examples)
    click.echo(
        f"learned from {len(examples)} listings ({offers} leak offers) of {', '.join(splits)}: "
        f"{len(model.weights)} n-gram weights, written to {out_path}"
    )


def register(group: click.Group) -> None:
    """Add the ``eval`` command group to the CLI."""
    group.add_command(eval_group)
