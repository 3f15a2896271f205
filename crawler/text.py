"""Visible text of attacker-written HTML: what a reader sees, scripts and styles dropped, capped."""

from __future__ import annotations

from bs4 import BeautifulSoup

MAX_TEXT_CHARS = 100_000
# Elements that start a new line for a reader: a page's parts (posts, replies, list items, table
# rows) stay on lines of their own, so the scorer can weigh one reply apart from the thread.
BLOCKS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
)  # fmt: skip


def visible_text(html: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """The text a reader sees in an HTML fragment, at most ``limit`` characters: one line per
    block (paragraph, list item, table row, post), whitespace inside a line collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for block in soup(BLOCKS):
        block.insert_before("\n")
        block.append("\n")
    lines = (" ".join(line.split()) for line in soup.get_text(" ").split("\n"))
    return "\n".join(line for line in lines if line)[:limit]
