"""Redaction on the way to disk: secrets and personal data never reach a cassette file.

Rules, all configurable through `Redactor`'s fields:
- headers whose values are secrets (Authorization, X-API-Key, cookies ...): value replaced;
- query parameters that carry tokens or keys: value replaced;
- credentials in a URL (`https://user:password@host`): replaced;
- in bodies: the values of personal fields (contact name, e-mail, phone), anything that looks
  like an e-mail address, a phone number or a JWT, and every secret value learned from the
  headers and query above (an API that echoes a token in a body gives it away otherwise).
Bodies are edited in place as text, so everything that is not redacted stays byte for byte.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import orjson

from jobfakes.recording.cassette import Interaction

MASK = "REDACTED"

SECRET_HEADERS = (
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "cookie",
    "set-cookie",
)
SECRET_PARAMS = (
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
    "passwd",
    "signature",
    "sig",
    "auth",
)
# Keys of personal data in JSON bodies (NAV ads: contactList/contacts entries).
PERSONAL_FIELDS = ("name", "email", "phone", "mobile", "telephone")
PERSONAL_PARENTS = ("contactlist", "contacts", "contact", "contactpersons", "contact_persons")

EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# Phone numbers that cannot be anything else: international (+47 ..., 0047 ...) or Norwegian
# groups of two (12 34 56 78). Plain digit runs are left alone (ids, dates, org numbers); the
# personal fields above catch those in contact data.
PHONE = (
    r"(?<![\w.:+-])"
    r"(?:(?:\+|00)\d{2,3} ?(?:\d{2} ?\d{2} ?\d{2} ?\d{2}|\d{3} ?\d{2} ?\d{3})"
    r"|\d{2} \d{2} \d{2} \d{2}|\d{3} \d{2} \d{3})"
    r"(?![\w.:-])"
)
JWT = r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"


@dataclass(frozen=True)
class Redactor:
    """What to redact; `Redactor()` is the default set, `Redactor(enabled=False)` keeps all."""

    enabled: bool = True
    headers: tuple[str, ...] = SECRET_HEADERS
    params: tuple[str, ...] = SECRET_PARAMS
    personal_fields: tuple[str, ...] = PERSONAL_FIELDS
    personal_parents: tuple[str, ...] = PERSONAL_PARENTS
    patterns: tuple[str, ...] = (EMAIL, PHONE, JWT)
    secrets: tuple[str, ...] = ()  # literal values to scrub everywhere
    drop_headers: tuple[str, ...] = ()  # response headers to leave out (e.g. Date)
    mask: str = MASK

    def with_rules(self, **changes: Any) -> Redactor:
        return replace(self, **changes)

    # --- requests (also used to normalise a live request before matching) -------------------

    def uri(self, uri: str) -> str:
        """The URI with credentials and secret query values masked (other bytes unchanged)."""
        if not self.enabled:
            return uri
        parts = urlsplit(uri)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{self.mask}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query and any(self._secret_param(k) for k, _ in parse_qsl(query, True)):
            pairs = [
                (k, self.mask if self._secret_param(k) else v) for k, v in parse_qsl(query, True)
            ]
            query = urlencode(pairs, quote_via=quote, safe="*,[]():")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def _secret_param(self, name: str) -> bool:
        return name.lower() in {p.lower() for p in self.params}

    def header_values(self, headers: dict[str, list[str]]) -> dict[str, list[str]]:
        if not self.enabled:
            return headers
        secret = {h.lower() for h in self.headers}
        return {
            k: [self._mask_header(k, v) for v in vs] if k.lower() in secret else vs
            for k, vs in headers.items()
        }

    def _mask_header(self, name: str, value: str) -> str:
        scheme, _, credentials = value.partition(" ")
        if name.lower() in ("authorization", "proxy-authorization") and credentials:
            return f"{scheme} {self.mask}"  # keeps the scheme (Bearer, Basic) for readers
        return self.mask

    # --- whole interactions ------------------------------------------------------------------

    def learned(self, item: Interaction) -> set[str]:
        """Secret values this interaction carries in its headers, query and URL."""
        found: set[str] = set(self.secrets)
        secret = {h.lower() for h in self.headers}
        for name, values in item.request_headers.items():
            if name.lower() in secret:
                for value in values:
                    found.update(_secret_parts(value))
        for name, value in parse_qsl(urlsplit(item.uri).query, True):
            if self._secret_param(name) and value:
                found.add(value)
        parts = urlsplit(item.uri)
        if parts.username:
            found.add(parts.username)
        if parts.password:
            found.add(parts.password)
        return {value for value in found if len(value) >= 4}

    def apply(self, items: Iterable[Interaction]) -> list[Interaction]:
        """Redacted copies of the interactions (secrets learned from any apply to all)."""
        items = list(items)
        if not self.enabled:
            return items
        secrets: set[str] = set()
        for item in items:
            secrets |= self.learned(item)
        return [self.redact(item, secrets) for item in items]

    def redact(self, item: Interaction, secrets: Iterable[str] = ()) -> Interaction:
        """One redacted copy."""
        if not self.enabled:
            return item
        secrets = sorted(set(secrets) | self.learned(item), key=len, reverse=True)
        body = self.body(item.body, secrets)
        headers = {k: vs for k, vs in item.headers.items() if k.lower() not in self._dropped()}
        headers = self.header_values(headers)
        if body != item.body:
            headers = {
                k: [str(len(body))] if k.lower() == "content-length" else vs
                for k, vs in headers.items()
            }
        request_body = item.request_body
        if request_body is not None:
            request_body = self.body(request_body, secrets)
        return replace(
            item,
            uri=self.uri(item.uri),
            request_headers=self.header_values(item.request_headers),
            request_body=request_body,
            headers=headers,
            body=body,
        )

    def request_side(self, item: Interaction) -> Interaction:
        """Only the request redacted (what matching compares); the response is left alone."""
        if not self.enabled:
            return item
        body = item.request_body
        return replace(
            item,
            uri=self.uri(item.uri),
            request_headers=self.header_values(item.request_headers),
            request_body=self.body(body) if body else body,
        )

    def _dropped(self) -> set[str]:
        return {h.lower() for h in self.drop_headers}

    def body(self, body: bytes, secrets: Iterable[str] = ()) -> bytes:
        """A body with personal values, pattern matches and known secrets masked."""
        if not self.enabled or not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body  # binary (or compressed): no text to search
        values = set(secrets)
        lowered = text.lower()
        parents = {p.lower() for p in self.personal_parents}
        if text[:1] in "[{" and any(f'"{p}"' in lowered for p in parents):
            fields = {f.lower() for f in self.personal_fields}
            with contextlib.suppress(orjson.JSONDecodeError):
                values |= set(_personal(orjson.loads(body), "", fields, parents))
        forms: set[str] = set()
        for value in values:
            if value:
                # as it appears inside a JSON string, with and without \u escapes
                forms |= {value, orjson.dumps(value).decode()[1:-1], json.dumps(value)[1:-1]}
        present = sorted((f for f in forms if f in text), key=len, reverse=True)
        if present:
            # whole values only: a phone number inside an org number stays
            alternatives = "|".join(re.escape(form) for form in present)
            text = re.sub(rf"(?<![0-9A-Za-z])(?:{alternatives})(?![0-9A-Za-z])", self.mask, text)
        for pattern in _compiled(self.patterns):
            maybe = _PREFILTERS.get(pattern.pattern)
            if maybe is None or maybe(text):  # cheap scans first: most bodies have neither
                text = pattern.sub(self.mask, text)
        return text.encode("utf-8")


_SPACED_DIGIT = re.compile(r" \d")
_INTERNATIONAL = re.compile(r"[+]\d\d ?\d\d|00\d\d ?\d\d ?\d\d")
_PREFILTERS: dict[str, Any] = {
    EMAIL: lambda text: "@" in text,
    PHONE: lambda text: bool(_SPACED_DIGIT.search(text) or _INTERNATIONAL.search(text)),
}


@functools.lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in patterns]


def _personal(data: Any, parent: str, fields: set[str], parents: set[str]) -> Iterator[str]:
    """String values of personal fields inside personal parents (contact lists)."""
    if isinstance(data, dict):
        for key, value in data.items():
            name = key.lower() if isinstance(key, str) else ""
            if parent in parents and name in fields and isinstance(value, str):
                yield value
            elif isinstance(value, (dict, list)):
                yield from _personal(value, name, fields, parents)
    elif isinstance(data, list):
        for value in data:
            if isinstance(value, (dict, list)):
                yield from _personal(value, parent, fields, parents)


def _secret_parts(value: str) -> set[str]:
    """A header value and, for `Scheme credentials`, the credentials and Basic's parts."""
    parts = {value}
    scheme, _, credentials = value.partition(" ")
    if credentials:
        parts.add(credentials)
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(credentials).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return parts
            parts |= {user, password} - {""}
    return parts
