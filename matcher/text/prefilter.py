"""A cheap pre-check for a profile's regular expressions: literals that every match contains.

The profile's name patterns open with look-behinds (``(?<![a-z])british …``), so the regex engine
cannot skip to candidate characters and tries every alternative at every position of a listing
that names nothing. :func:`required_literals` reads a pattern's parse tree once and returns
strings of which every match holds at least one ("bank", "cohort", "样本库"); a listing that holds
none of them cannot match, and a substring test says so far faster than the search.

The analysis is conservative: whatever it does not fully understand (case-insensitive flags,
classes such as ``\\d`` or ``[^…]``, look-arounds, back references, optional parts) counts as
"requires nothing", and a pattern whose every part requires nothing gets no pre-check (``None``):
the caller then always runs it. It uses the standard library's regex parser (``re._parser``), the
same one :func:`re.compile` uses, so it reads exactly the pattern that is compiled.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any, Final

# The standard library's regex parser (private, stable since Python 3.11, where it moved from
# ``sre_parse``; ``sre_parse`` itself warns as deprecated). Typed Any: typeshed has no stub for it.
_parser: Any = importlib.import_module("re._parser")
_const: Any = importlib.import_module("re._constants")

MAX_CLASS_CHARS: Final = 16  # a character class larger than this requires nothing useful
Literals = frozenset[str]  # every match holds at least one of these
Requirement = tuple[tuple[Literals, ...], ...]  # alternatives, each needing all its sets


def required_literals(pattern: str) -> Requirement | None:
    """What every match of ``pattern`` needs, or None when nothing is known.

    The answer lists the pattern's top-level alternatives; each alternative needs one string of
    each of its sets (``british … bio-? ?bank``: one of british, brit, uk …, and "bio", and
    "bank"). ``pattern`` is read as :func:`re.compile` reads it, without flags; a pattern that
    turns on case-insensitive matching gets None, since its literals could match in other cases.
    """
    try:
        return _required(pattern)
    except (re.error, ValueError, TypeError, AttributeError, IndexError, KeyError):
        # an invalid pattern, or a parse tree shaped unlike Python 3.11's (the parser is
        # private): no pre-check, so the full pattern always runs
        return None


def _required(pattern: str) -> Requirement | None:
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    items = list(parsed)
    if len(items) == 1 and items[0][0] is _const.BRANCH:
        alternatives = [list(branch) for branch in items[0][1][1]]
    else:
        alternatives = [items]
    needs = tuple(_all_of(alternative) for alternative in alternatives)
    return None if not all(needs) else needs


def may_match(text: str, requirement: Requirement) -> bool:
    """Whether ``text`` holds what some alternative of ``requirement`` needs."""
    return any(
        all(any(literal in text for literal in literals) for literals in alternative)
        for alternative in requirement
    )


def any_needed(requirement: Requirement | None) -> re.Pattern[str]:
    """A regex that finds something in every text that may match: any string of each
    alternative's most selective set (the empty pattern, which finds in any text, when nothing is
    known). One search of it is cheaper than :func:`may_match` when there are many strings."""
    if requirement is None:
        return re.compile("")
    literals = {literal for alternative in requirement for literal in alternative[0]}
    return re.compile("|".join(map(re.escape, sorted(literals, key=len, reverse=True))))


def _parts(items: list[tuple[Any, Any]]) -> Iterator[Literals]:
    """What each part of a sequence of parsed items requires: each run of literals, and each
    other item that requires something known."""
    run: list[str] = []
    for op, value in [*items, (None, None)]:  # a sentinel ends the last run of literals
        if op is _const.LITERAL:
            run.append(chr(value))
            continue
        if run:
            yield frozenset({"".join(run)})
            run = []
        found = _item(op, value) if op is not None else None
        if found:
            yield found


def _all_of(items: list[tuple[Any, Any]]) -> tuple[Literals, ...]:
    """Every set that a sequence of parsed items needs, the most selective first, each without
    strings that hold another of its strings."""
    needs = {_shortest_covering(found) for found in _parts(items)}
    return tuple(sorted(needs, key=_rank, reverse=True))


def _shortest_covering(literals: Literals) -> Literals:
    """``literals`` without those that hold another one ("biobank" when "bank" is there)."""
    return frozenset(s for s in literals if not any(t != s and t in s for t in literals))


def _rank(literals: Literals) -> tuple[int, float]:
    """How selective a pre-check is: its shortest string's length, then the mean length (longer
    strings occur by chance less often in text that names nothing)."""
    return min(map(len, literals)), sum(map(len, literals)) / len(literals)


def _sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    """What a sequence of parsed items requires: its most selective part (the first of equals)."""
    best: Literals | None = None
    for found in _parts(items):
        if best is None or _rank(found) > _rank(best):
            best = found
    return best


def _item(op: Any, value: Any) -> Literals | None:
    """What one parsed item (other than a literal) requires, None when nothing is known."""
    if op is _const.IN:
        return _char_class(value)
    if op is _const.BRANCH:
        branches = [_sequence(list(branch)) for branch in value[1]]
        if any(found is None for found in branches):
            return None  # one alternative requires nothing known
        return frozenset(s for found in branches if found for s in found)
    if op is _const.SUBPATTERN:
        _group, add_flags, del_flags, body = value
        if add_flags or del_flags:
            return None  # (?i:…) and the like: literals may match otherwise
        return _sequence(list(body))
    if op is _const.ATOMIC_GROUP:
        return _sequence(list(value))
    if op in (_const.MAX_REPEAT, _const.MIN_REPEAT, _const.POSSESSIVE_REPEAT):
        low, _high, body = value
        return _sequence(list(body)) if low >= 1 else None
    return None  # look-arounds, anchors, any character, \d, back references: nothing known


def _char_class(items: list[tuple[Any, Any]]) -> Literals | None:
    """The characters of a small class of literals and ranges (``[((]``), else None."""
    chars: set[str] = set()
    for op, value in items:
        if op is _const.LITERAL:
            chars.add(chr(value))
        elif op is _const.RANGE and value[1] - value[0] < MAX_CLASS_CHARS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:
            return None  # negated classes, categories (\s), large ranges
        if len(chars) > MAX_CLASS_CHARS:
            return None
    return frozenset(chars) or None
