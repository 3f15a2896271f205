"""One piece of evidence found in normalised listing text, and the snippet that quotes it.

A :class:`Hit` keeps the text and the span it was found at; its quoted :attr:`~Hit.snippet` is
cut only when a reason asks for it, because most hits are counted and never quoted.
"""

from __future__ import annotations

from typing import Final

SNIPPET_CONTEXT: Final = 24
SNIPPET_MAX: Final = 80


def snippet(text: str, start: int, end: int) -> str:
    """The matched text with some context, at most ``SNIPPET_MAX`` characters."""
    # conditionals, not max() and min(): compiled, these are integer tests instead of calls
    left = start - SNIPPET_CONTEXT if start > SNIPPET_CONTEXT else 0
    right = (
        end + SNIPPET_CONTEXT if end + SNIPPET_CONTEXT < left + SNIPPET_MAX else left + SNIPPET_MAX
    )
    if right > len(text):
        right = len(text)
    return text[left:right].strip()


class Hit:
    """One piece of evidence: its kind, cue group, the profile term and where it was found.

    A plain class with fixed slots rather than a named tuple or a frozen dataclass: the scorer
    builds about ten per listing on its hot path, and this is the quickest to build both as
    Python (~60 against ~120 ns for a named tuple) and compiled by mypyc (a native class, built
    in C). Its attributes are ``Final``: set once, here.
    """

    __slots__ = ("end", "group", "kind", "start", "strength", "term", "text")

    def __init__(
        self,
        kind: str,  # alias | cue | negative | size | schema | descriptor
        group: str,
        term: str,
        text: str,  # the normalised listing text
        start: int,
        end: int,
        strength: float = 1.0,
    ) -> None:
        self.kind: Final = kind
        self.group: Final = group
        self.term: Final = term
        self.text: Final = text
        self.start: Final = start
        self.end: Final = end
        self.strength: Final = strength

    @property
    def snippet(self) -> str:
        """The hit quoted with some context, as reasons show it."""
        return snippet(self.text, self.start, self.end)

    def __repr__(self) -> str:  # the text can be 50,000 characters: show the snippet instead
        return f"Hit({self.kind!r}, {self.group!r}, {self.term!r}, {self.snippet!r})"


ByGroup = dict[tuple[str, str], list[Hit]]  # the evidence that counted, by (kind, group)
