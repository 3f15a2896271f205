"""Measure the scorer on a labelled corpus: precision, recall and F1 per verdict, confusion matrix.

The corpus is JSON Lines, one listing per line with at least ``id``, ``title``, ``text`` and
``label`` (``leak-offer`` | ``related`` | ``unrelated``); ``split``, ``language`` and
``source_kind`` are optional. :func:`parse_corpus` takes the text (the caller reads the file) and
raises :class:`CorpusError` naming the line of a bad record.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.errors import MatchError
from matcher.text.profile import CohortProfile
from matcher.text.scoring import TextScore, TextVerdict, score_listing_text

VERDICTS = tuple(v.value for v in TextVerdict)


class CorpusError(MatchError):
    """A labelled corpus line is not a JSON object with the required fields."""


@dataclass(frozen=True)
class LabelledListing:
    """One listing of the corpus and its gold label."""

    id: str
    title: str
    text: str
    label: str
    split: str = ""
    language: str = ""
    source_kind: str = ""
    group: str = ""  # variants of one written listing share a group


@dataclass(frozen=True)
class VerdictMetrics:
    """Precision, recall and F1 of one verdict."""

    verdict: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvalReport:
    """The outcome of scoring a corpus: metrics per verdict, confusion matrix and the misses."""

    total: int
    metrics: tuple[VerdictMetrics, ...]
    confusion: dict[tuple[str, str], int]  # (gold, predicted) -> count
    errors: tuple[tuple[LabelledListing, TextScore], ...]

    def metric(self, verdict: str) -> VerdictMetrics:
        return next(m for m in self.metrics if m.verdict == verdict)


def parse_corpus(text: str, *, source: str = "corpus") -> list[LabelledListing]:
    """The labelled listings in JSON Lines ``text``; blank lines are skipped."""
    listings = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{source}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise CorpusError(f"{source}:{number}: a line must be a JSON object")
        missing = [k for k in ("id", "title", "text", "label") if not isinstance(row.get(k), str)]
        if missing:
            raise CorpusError(f"{source}:{number}: missing or non-string {', '.join(missing)}")
        if row["label"] not in VERDICTS:
            raise CorpusError(f"{source}:{number}: label {row['label']!r} is not one of {VERDICTS}")
        listings.append(
            LabelledListing(
                id=row["id"],
                title=row["title"],
                text=row["text"],
                label=row["label"],
                split=str(row.get("split", "")),
                language=str(row.get("language", "")),
                source_kind=str(row.get("source_kind", "")),
                group=str(row.get("group") or row["id"]),
            )
        )
    return listings


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def evaluate(listings: Iterable[LabelledListing], profile: CohortProfile) -> EvalReport:
    """Score every listing and compare the verdicts with the gold labels."""
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    for listing in listings:
        result = score_listing_text(title=listing.title, text=listing.text, profile=profile)
        confusion[(listing.label, result.verdict.value)] += 1
        if result.verdict.value != listing.label:
            errors.append((listing, result))
    metrics = []
    for verdict in VERDICTS:
        tp = confusion[(verdict, verdict)]
        predicted = sum(confusion[(g, verdict)] for g in VERDICTS)
        actual = sum(confusion[(verdict, p)] for p in VERDICTS)
        precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
        f1 = _ratio(int(2e6 * precision * recall), int(1e6 * (precision + recall)))
        metrics.append(VerdictMetrics(verdict, precision, recall, f1, actual))
    return EvalReport(
        total=sum(confusion.values()),
        metrics=tuple(metrics),
        confusion=dict(confusion),
        errors=tuple(errors),
    )


def format_report(report: EvalReport) -> str:
    """A plain-text table of the metrics and the confusion matrix."""
    lines = [f"listings: {report.total}", "", "verdict      precision  recall  F1     support"]
    for m in report.metrics:
        lines.append(
            f"{m.verdict:<12} {m.precision:>9.3f}  {m.recall:>6.3f}  {m.f1:.3f}  {m.support:>7}"
        )
    lines += ["", "confusion (rows: label, columns: verdict)"]
    lines.append(" " * 12 + "".join(f"{v:>12}" for v in VERDICTS))
    for gold in VERDICTS:
        counts = "".join(f"{report.confusion.get((gold, p), 0):>12}" for p in VERDICTS)
        lines.append(f"{gold:<12}{counts}")
    return "\n".join(lines)
