"""What keeps the control plane (`/__admin/`) to its user: no web page, no stranger.

A browser on the same machine can send requests to 127.0.0.1 from any page: a cross-site
`text/plain` POST needs no preflight, and DNS rebinding lets a page read answers under a
foreign name. So, unless the request carries the server's admin token: the Host must be a
loopback name or one the user allowed, a browser's cross-site request (Origin, Sec-Fetch-Site)
is refused, and a write's body must be declared JSON, which no page can send cross-site
without the preflight this server never grants.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from jobfakes.core.auth import bearer_token

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
INPROCESS = "jobfakes.inprocess"  # set by the in-process adapter: no browser can reach it
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DASHBOARD_PAGES = frozenset({"/__admin/ui", "/__admin/ui/app.js", "/__admin/ui/app.css"})


def fingerprint(secret: str) -> str:
    """What a listing shows instead of a secret: enough to tell two apart, nothing to use."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:16]


def is_loopback(host: str) -> bool:
    """A loopback name or address (`127.0.0.0/8`, `::1`, `localhost`)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _hostname(netloc: str) -> str:
    return (urlsplit(f"//{netloc}").hostname or "").lower()


def refusal(
    environ: Mapping[str, Any], admin_token: str | None, allowed_hosts: tuple[str, ...]
) -> tuple[int, str] | None:
    """(status, reason) when a control-plane request must be refused, else None. The health
    check needs no token: container health probes and load balancers call it."""
    if admin_token and environ.get("PATH_INFO") != "/__admin/health":
        if _is_dashboard_page(environ):  # static, no data: it asks its user for the token
            return None
        given = bearer_token(environ.get("HTTP_AUTHORIZATION")) or ""
        if hmac.compare_digest(given.encode(), admin_token.encode()):
            return None
        return 401, "the control plane needs the server's admin token: Authorization: Bearer TOKEN"
    if environ.get(INPROCESS):
        return None
    host = environ.get("HTTP_HOST", "")
    name = _hostname(host)
    if not (is_loopback(name) or name in {h.lower() for h in allowed_hosts}):
        return 403, f"host {name or host!r} is not a loopback name; allow it with --allow-host"
    origin = environ.get("HTTP_ORIGIN")
    if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
        return 403, f"cross-site request from origin {origin!r} refused"
    if origin == "null":
        return 403, "cross-site request from an opaque origin refused"
    if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none"):
        return 403, f"cross-site request (Sec-Fetch-Site: {environ['HTTP_SEC_FETCH_SITE']}) refused"
    if environ.get("REQUEST_METHOD") in _WRITES and _has_body(environ):
        kind = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return 403, f"a control-plane write must be application/json, not {kind or 'untyped'}"
    return None


def _is_dashboard_page(environ: Mapping[str, Any]) -> bool:
    return environ.get("REQUEST_METHOD") in ("GET", "HEAD") and (
        environ.get("PATH_INFO") in DASHBOARD_PAGES
    )


def _has_body(environ: Mapping[str, Any]) -> bool:
    length = environ.get("CONTENT_LENGTH") or "0"
    return length != "0" or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
