"""The routes an anonymous visitor may always reach, whatever the office's visibility
setting (see web/visibility.py): the public portal, the login and the public API."""

from __future__ import annotations

from ipcity.web.routing import API_PREFIX

# A prefix matches itself and whatever follows a "/" after it.
# /docs: the API reference (no data), so a client developer can read it before a login.
OPEN_PAGES = ("/portal", "/login", "/logout", "/protection/public", "/docs")
OPEN_API = tuple(
    API_PREFIX + p for p in ("/auth", "/me", "/portal", "/publications", "/protection/public")
)


def is_open(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in (*OPEN_PAGES, *OPEN_API))
