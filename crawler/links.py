"""Which URLs a crawl may request: plain http(s), on the source's allowed domains only."""

from __future__ import annotations

from urllib.parse import urlsplit


def host_allowed(url: str, allowed_domains: tuple[str, ...]) -> bool:
    """True when ``url`` is http(s) on one of the allowed domains (or a subdomain of one)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    host = host.lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in allowed_domains)
