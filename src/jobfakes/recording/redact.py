"""Redaction on the way to disk: secrets and personal data never reach a cassette file.

One `Redactor` holds every rule; `use_cassette`, the fixtures, the recording proxy and replay
matching all use it. What it does to an interaction (`redact`):
- bodies are decoded first (Content-Encoding gzip, deflate, br; see `decoding`) and stored
  decoded, with Content-Encoding dropped and Content-Length fitted;
- headers whose names look like credentials (`patterns.is_secret_name`: Authorization,
  X-Access-Token, Ocp-Apim-Subscription-Key, Set-Cookie ...) are masked (Authorization keeps its
  scheme); URLs in Location, Link and Content-Location are scrubbed as URIs; every other value
  is scrubbed as text;
- the URI: credentials in the netloc, values of secret-named query parameters, and e-mails,
  phones and JWTs in any query value or in the path;
- bodies: JSON values under secret-named keys and contacts' personal fields, form fields of
  secret names, `name=value` pairs of secret names in text, e-mails, phones and JWTs anywhere;
- every secret value learned anywhere (`learned`) is scrubbed from everything.
Edits are textual and whole-value: what is not redacted stays byte for byte.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlsplit, urlunsplit

import orjson

from jobfakes.recording import decoding
from jobfakes.recording import patterns as rules
from jobfakes.recording.cassette import Headers, Interaction, first
from jobfakes.recording.patterns import MASK

SECRET_PARAMS = ("key", "code")  # `?key=` API keys, OAuth's `?code=`; not JSON keys
SECRET_HEADERS = ("authorization", "proxy-authorization", "x-api-key", "api-key", "cookie")
# Keys of personal data in JSON bodies (NAV ads: contactList/contacts entries).
PERSONAL_FIELDS = ("name", "email", "phone", "mobile", "telephone")
PERSONAL_PARENTS = ("contactlist", "contacts", "contact", "contactpersons", "contact_persons")
URL_HEADERS = ("location", "content-location", "link", "refresh")
QUERY_PAIR = re.compile(r"(?<=[?&;])([\w.%\[\]-]+)=([^&#\"'\s<>;]*)")
FORM = re.compile(r"[^=&\s]+=[^&\s]*(?:&[^=&\s]+=[^&\s]*)*")


@dataclass(frozen=True)
class Redactor:
    """What to redact; `Redactor()` is the default set, `Redactor(enabled=False)` keeps all."""

    enabled: bool = True
    headers: tuple[str, ...] = SECRET_HEADERS  # exact names, besides `names`
    params: tuple[str, ...] = SECRET_PARAMS  # exact query/form names, besides `names`
    names: tuple[str, ...] = rules.SECRET_NAMES  # patterns of secret names
    personal_fields: tuple[str, ...] = PERSONAL_FIELDS
    personal_parents: tuple[str, ...] = PERSONAL_PARENTS
    patterns: tuple[str, ...] = rules.TEXT_PATTERNS
    secrets: tuple[str, ...] = ()  # literal values to scrub everywhere
    drop_headers: tuple[str, ...] = ()  # response headers to leave out (e.g. Date)
    mask: str = MASK
    min_secret: int = 6  # shorter learned values would hit ordinary text

    def with_rules(self, **changes: Any) -> Redactor:
        return replace(self, **changes)

    # --- names and text ----------------------------------------------------------------------

    def secret_header(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in {h.lower() for h in self.headers} or rules.is_secret_name(
            name, self.names
        )

    def secret_param(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in {p.lower() for p in self.params} or rules.is_secret_name(name, self.names)

    def secret_key(self, name: str) -> bool:
        """A JSON key (or a `name: value` in text) of a secret: by the name patterns only."""
        return rules.is_secret_name(name, self.names)

    def text(self, text: str, secrets: Iterable[str] = ()) -> str:
        """Text with known secrets, query pairs of secret names, e-mails, phones, JWTs masked."""
        text = rules.scrub_values(text, _forms(secrets), self.mask)
        if "=" in text:
            text = QUERY_PAIR.sub(lambda m: self._pair(m.group(1), m.group(2), ()), text)
        return rules.scrub_patterns(text, self.patterns, self.mask)

    def _pair(self, name: str, value: str, secrets: Iterable[str]) -> str:
        if self.secret_param(unquote_plus(name)):
            return f"{name}={self.mask}" if value else f"{name}="
        plain = unquote_plus(value)
        clean = self.text(plain, secrets)
        return f"{name}={value if clean == plain else quote(clean, safe='')}"

    def query(self, query: str, secrets: Iterable[str] = ()) -> str:
        """A query string (or form body) with its pairs scrubbed, other bytes unchanged."""
        secrets = list(secrets)
        pairs = []
        for part in query.split("&"):
            name, equals, value = part.partition("=")
            pairs.append(self._pair(name, value, secrets) if equals else self.text(part, secrets))
        return "&".join(pairs)

    # --- requests (also used to normalise a live request before matching) -------------------

    def uri(self, uri: str, secrets: Iterable[str] = ()) -> str:
        """The URI with credentials, secret query values and personal data masked."""
        if not self.enabled:
            return uri
        secrets = list(secrets)
        parts = urlsplit(uri)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{self.mask}@{netloc.rsplit('@', 1)[1]}"
        plain = unquote(parts.path)
        path = self.text(plain, secrets)
        if path != plain and plain != parts.path:  # it was percent-encoded: encode it again
            path = quote(path, safe="/:@!$&'()*+,;=~")
        elif path == plain:
            path = parts.path
        query = self.query(parts.query, secrets) if parts.query else ""
        fragment = self.text(parts.fragment, secrets)
        return urlunsplit((parts.scheme, netloc, path, query, fragment))

    def header_values(self, headers: Headers, secrets: Iterable[str] = ()) -> Headers:
        """Headers with secret-named ones masked, URLs and other values scrubbed."""
        if not self.enabled:
            return headers
        secrets = list(secrets)
        return {k: [self._header(k, v, secrets) for v in vs] for k, vs in headers.items()}

    def _header(self, name: str, value: str, secrets: list[str]) -> str:
        lowered = name.lower()
        if self.secret_header(name):
            scheme, _, credentials = value.partition(" ")
            if lowered in ("authorization", "proxy-authorization") and credentials:
                return f"{scheme} {self.mask}"  # keeps the scheme (Bearer, Basic) for readers
            return self.mask
        if lowered in URL_HEADERS:
            return re.sub(r"[^\s<>,;\"]+", lambda m: self.uri(m.group(), secrets), value)
        return self.text(value, secrets)

    def request(
        self, uri: str, headers: Headers, body: bytes | None, secrets: Iterable[str] = ()
    ) -> tuple[str, Headers, bytes | None]:
        """A request's URI, headers and body as the cassette keeps them."""
        if not self.enabled:
            return uri, headers, body
        secrets = list(secrets)
        headers, body = decoding.decode(headers, body)
        if body:
            clean = self.body(body, secrets, first(headers, "content-type") or "")
            if clean != body:
                headers, body = decoding.with_length(headers, clean), clean
        return self.uri(uri, secrets), self.header_values(headers, secrets), body

    # --- whole interactions ------------------------------------------------------------------

    def decoded(self, item: Interaction) -> Interaction:
        """The interaction with both bodies decoded (see `decoding`); idempotent."""
        request_headers, request_body = decoding.decode(item.request_headers, item.request_body)
        headers, body = decoding.decode(item.headers, item.body)
        return replace(
            item,
            request_headers=request_headers,
            request_body=request_body,
            headers=headers,
            body=body or b"",
        )

    def learned(self, item: Interaction) -> set[str]:
        """Secret values this interaction carries anywhere (headers, URL, query, bodies)."""
        item = self.decoded(item)
        found: set[str] = set(self.secrets)
        for headers in (item.request_headers, item.headers):
            for name, values in headers.items():
                if self.secret_header(name):
                    for value in values:
                        found |= _secret_parts(value)
        urls = [v for k, vs in item.headers.items() if k.lower() in URL_HEADERS for v in vs]
        for uri in [item.uri, *(u for v in urls for u in re.findall(r"[^\s<>,;\"]+", v))]:
            parts = urlsplit(uri)
            found |= {unquote_plus(p) for p in (parts.username, parts.password) if p}
            found |= set(self._named_values(parts.query))
        for headers, body in ((item.request_headers, item.request_body), (item.headers, item.body)):
            if body:
                found |= set(self._body_secrets(body, first(headers, "content-type") or ""))
        return {value for value in found if len(value) >= self.min_secret}

    def _named_values(self, text: str) -> Iterator[str]:
        for match in QUERY_PAIR.finditer("&" + text):
            if self.secret_param(unquote_plus(match.group(1))) and match.group(2):
                yield unquote_plus(match.group(2))

    def _body_secrets(self, body: bytes, content_type: str) -> Iterator[str]:
        text = _utf8(body)
        if text is None:
            return
        data = _json(text)
        if data is not None:  # contacts' data too: an echo elsewhere gives it away otherwise
            yield from self._json_values(data)
        elif FORM.fullmatch(text.strip()) or "form-urlencoded" in content_type:
            yield from self._named_values(text.strip())
        else:
            for match in rules.NAMED_VALUE.finditer(text):
                if self.secret_key(match.group(1)):
                    yield match.group(3)

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
        """One redacted copy (decoded, then scrubbed with its own and the given secrets)."""
        if not self.enabled:
            return item
        item = self.decoded(item)
        known = sorted(set(secrets) | self.learned(item), key=len, reverse=True)
        uri, request_headers, request_body = self.request(
            item.uri, item.request_headers, item.request_body, known
        )
        dropped = {h.lower() for h in self.drop_headers}
        headers = {k: vs for k, vs in item.headers.items() if k.lower() not in dropped}
        body = self.body(item.body, known, first(headers, "content-type") or "")
        headers = self.header_values(decoding.with_length(headers, body), known)
        return replace(
            item,
            uri=uri,
            request_headers=request_headers,
            request_body=request_body,
            headers=headers,
            body=body,
        )

    def request_side(self, item: Interaction) -> Interaction:
        """Only the request redacted (what matching compares); the response is left alone."""
        uri, headers, body = self.request(item.uri, item.request_headers, item.request_body)
        return replace(item, uri=uri, request_headers=headers, request_body=body)

    def body(self, body: bytes, secrets: Iterable[str] = (), content_type: str = "") -> bytes:
        """A decoded body with secrets, personal values and pattern matches masked."""
        if not self.enabled or not body:
            return body
        values = set(secrets)
        text = _utf8(body)
        if text is None:  # binary: known secrets only, as bytes
            for value in sorted(values, key=len, reverse=True):
                body = body.replace(value.encode(), self.mask.encode())
            return body
        data = _json(text)
        if data is not None:
            values |= set(self._json_values(data))
            text = self._json_numbers(text, data)
        elif FORM.fullmatch(text.strip()) or "form-urlencoded" in content_type:
            return self.query(text, values).encode("utf-8")
        else:
            values |= {m.group(3) for m in rules.NAMED_VALUE.finditer(text) if self._named(m)}
        return self.text(text, values).encode("utf-8")

    def _named(self, match: re.Match[str]) -> bool:
        return self.secret_key(match.group(1))

    def _json_values(self, data: Any) -> Iterator[str]:
        yield from _leaves_under(data, self.secret_key, False)
        parents = {p.lower() for p in self.personal_parents}
        fields = {f.lower() for f in self.personal_fields}
        yield from _personal(data, "", fields, parents)

    def _json_numbers(self, text: str, data: Any) -> str:
        """Numbers under secret keys (`"otp": 123456`) become the masked string."""
        keys = {k for k in _number_keys(data) if self.secret_key(k)}
        for key in keys:
            name = re.escape(json.dumps(key))
            text = re.sub(rf"({name}\s*:\s*)-?\d[\d.eE+-]*", rf'\1"{self.mask}"', text)
        return text


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _json(text: str) -> Any:
    if text.lstrip()[:1] not in ("{", "["):
        return None
    with contextlib.suppress(orjson.JSONDecodeError):
        return orjson.loads(text)
    return None


def _forms(values: Iterable[str]) -> set[str]:
    """Each value as it may appear in text: plain, JSON-escaped, URL-encoded."""
    forms: set[str] = set()
    for value in values:
        if value:
            forms |= {value, orjson.dumps(value).decode()[1:-1], json.dumps(value)[1:-1]}
            forms |= {quote(value, safe=""), quote_plus(value)}
    return forms


def _leaves_under(data: Any, secret: Any, inside: bool) -> Iterator[str]:
    """String and number leaves under keys that `secret` names (all of a secret subtree)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves_under(value, secret, inside or secret(str(key)))
    elif isinstance(data, list):
        for value in data:
            yield from _leaves_under(value, secret, inside)
    elif inside and isinstance(data, str):
        yield data
    elif inside and isinstance(data, (int, float)) and not isinstance(data, bool):
        yield json.dumps(data)


def _number_keys(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                yield str(key)
            yield from _number_keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from _number_keys(value)


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
    """A secret header's value and its parts: credentials, Basic's user and password, cookies."""
    parts = {value}
    scheme, _, credentials = value.partition(" ")
    if credentials:
        parts.add(credentials)
        if scheme.lower() == "basic":
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                user, _, password = base64.b64decode(credentials).decode().partition(":")
                parts |= {user, password} - {""}
    for cookie in value.split(";"):  # Cookie: a=1; b=2 / Set-Cookie: a=1; Path=/
        name, equals, content = cookie.strip().partition("=")
        if equals and name.lower() not in ("path", "domain", "expires", "max-age", "samesite"):
            parts.add(content.strip('"'))
    return parts
