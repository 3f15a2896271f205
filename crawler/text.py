"""Visible text of attacker-written HTML: what a reader sees, scripts and styles dropped, capped."""

from __future__ import annotations

from bs4 import BeautifulSoup

MAX_TEXT_CHARS = 100_000


def visible_text(html: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """The text a reader sees in an HTML fragment, whitespace collapsed, at most ``limit`` chars."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return " ".join(soup.get_text(" ", strip=True).split())[:limit]
