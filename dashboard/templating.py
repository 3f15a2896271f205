"""The dashboard's Jinja2 templates (autoescaped), with the logged-in user and CSRF token in every
page's context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from dashboard.sessions import csrf_for

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _auth_context(request: Request) -> dict[str, Any]:
    principal = getattr(request.state, "principal", None)
    session = getattr(request.state, "session", None)
    csrf = None
    if session is not None:
        csrf = csrf_for(request.app.state.auth.secret_key, session.nonce)
    return {"who": principal.name if principal else None, "csrf": csrf}


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[_auth_context])
