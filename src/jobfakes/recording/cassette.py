"""Cassettes in VCR.py's YAML format (version 1): load, validate, dump.

One interaction is a request (method, uri, headers as name -> list of values, body) and the
response it got (status code and message, headers, body bytes). Bodies that are UTF-8 are
written as text, others as `!!binary`, exactly as VCR.py does, so either tool reads the other's
files. Loading checks the structure and names the file and the problem when it is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jobfakes.errors import JobFakesError

VERSION = 1


class CassetteError(JobFakesError):
    """A cassette file that cannot be used: unreadable, not YAML, or not a version 1 cassette."""

    def __init__(self, path: str | os.PathLike[str], problem: str):
        super().__init__(f"cassette {os.fspath(path)}: {problem}")
        self.path, self.problem = os.fspath(path), problem


Headers = dict[str, list[str]]


@dataclass
class Interaction:
    """One recorded exchange."""

    method: str
    uri: str
    request_headers: Headers = field(default_factory=dict)
    request_body: bytes | None = None
    status: int = 200
    message: str = ""
    headers: Headers = field(default_factory=dict)
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.uri).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The first value of a response header (case-insensitive)."""
        return first(self.headers, name)

    def describe(self) -> str:
        return f"{self.method} {self.uri}"

    def to_dict(self) -> dict[str, Any]:
        """VCR.py's dictionary of this interaction."""
        return {
            "request": {
                "body": _text(self.request_body),
                "headers": self.request_headers,
                "method": self.method,
                "uri": self.uri,
            },
            "response": {
                "body": {"string": _text(self.body)},
                "headers": self.headers,
                "status": {"code": self.status, "message": self.message},
            },
        }


def first(headers: Mapping[str, list[str]], name: str) -> str | None:
    lowered = name.lower()
    for key, values in headers.items():
        if key.lower() == lowered and values:
            return values[0]
    return None


def _text(body: bytes | None) -> str | bytes | None:
    if body is None:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def _bytes(value: Any, where: str) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise ValueError(f"{where} must be text, binary or null, not {type(value).__name__}")


def _headers(value: Any, where: str) -> Headers:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be a mapping of header names to lists of values")
    result: Headers = {}
    for name, values in value.items():
        items = values if isinstance(values, list) else [values]
        result[str(name)] = [str(item) for item in items]
    return result


def _interaction(item: Any, index: int) -> Interaction:
    where = f"interaction {index}"
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} is not a mapping")
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, Mapping):
        raise ValueError(f"{where} has no 'request' mapping")
    if not isinstance(response, Mapping):
        raise ValueError(f"{where} has no 'response' mapping")
    for key in ("method", "uri"):
        if not isinstance(request.get(key), str) or not request[key]:
            raise ValueError(f"{where}: request.{key} is missing or not text")
    status = response.get("status")
    if not isinstance(status, Mapping) or not isinstance(status.get("code"), int):
        raise ValueError(f"{where}: response.status.code is missing or not a number")
    if not 100 <= status["code"] <= 599:
        raise ValueError(f"{where}: response.status.code {status['code']} is not an HTTP status")
    body = response.get("body")
    if not isinstance(body, Mapping) or "string" not in body:
        raise ValueError(f"{where}: response.body.string is missing")
    return Interaction(
        method=request["method"].upper(),
        uri=request["uri"],
        request_headers=_headers(request.get("headers"), f"{where}: request.headers"),
        request_body=_bytes(request.get("body"), f"{where}: request.body"),
        status=status["code"],
        message=str(status.get("message") or ""),
        headers=_headers(response.get("headers"), f"{where}: response.headers"),
        body=_bytes(body["string"], f"{where}: response.body.string") or b"",
    )


def parse(text: str | bytes, path: str | os.PathLike[str] = "<text>") -> list[Interaction]:
    """The interactions of a cassette's text; CassetteError naming `path` when it is not one."""
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as error:
        raise CassetteError(path, f"not valid YAML: {error}") from None
    if not isinstance(data, Mapping):
        raise CassetteError(path, "not a cassette: expected a mapping with 'interactions'")
    if "version" not in data:
        raise CassetteError(path, "no 'version' field (expected version: 1)")
    if data["version"] != VERSION:
        raise CassetteError(path, f"version {data['version']!r}, only version {VERSION} is known")
    items = data.get("interactions")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise CassetteError(path, "'interactions' is not a list")
    try:
        return [_interaction(item, index) for index, item in enumerate(items)]
    except ValueError as error:
        raise CassetteError(path, str(error)) from None


def load(path: str | os.PathLike[str]) -> list[Interaction]:
    """The interactions of a cassette file."""
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise CassetteError(path, f"cannot be read: {error.strerror or error}") from None
    return parse(text, path)


def dumps(interactions: Iterable[Interaction]) -> str:
    """A cassette's YAML text."""
    import yaml

    data = {"interactions": [item.to_dict() for item in interactions], "version": VERSION}
    text: str = yaml.dump(data, Dumper=_dumper(), allow_unicode=True, width=1000)
    return text


def save(path: str | os.PathLike[str], interactions: Iterable[Interaction]) -> None:
    """Write a cassette atomically (a reader never sees half a file)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(dumps(interactions), encoding="utf-8")
    os.replace(temporary, target)


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _dumper() -> Any:
    import yaml

    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)
