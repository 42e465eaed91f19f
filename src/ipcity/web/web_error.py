"""The web layer's own error (a CSRF failure, a bad upload, an unknown choice ...).

It sits in a module of its own, below everything else of the web layer: security.py, the
parameter parsers and the pages raise it, and errors.py, which turns it into an answer, imports
those (the error page is rendered by templating.py, which needs security.py's CSRF token).
"""

from __future__ import annotations

from typing import Any

from ipcity.web.i18n import gettext


class WebError(Exception):
    """An error of the web layer itself (CSRF, bad upload, no warehouse path ...).

    ``message`` is an English msgid translated through the catalogs, ``%(name)s`` params."""

    def __init__(self, status: int, code: str, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.status = status
        self.code = code
        self.message_id = message
        self.params = params

    def message(self) -> str:
        text = gettext(self.message_id)
        return text % self.params if self.params else text

    def as_dict(self) -> dict[str, Any]:
        return {"error": f"web.{self.code}", "params": self.params, "message": self.message()}
