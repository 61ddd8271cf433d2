"""Matching live requests to recorded ones, and the player that hands out recorded answers.

A request matches an interaction when every matcher agrees: by default method, path and the
query (order-insensitive); optionally host, chosen headers and the body. Identical requests
get their recorded answers in recorded order. A miss names the nearest recorded requests and
the matcher each of them failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from jobfakes.errors import JobFakesError
from jobfakes.recording.cassette import Interaction, first
from jobfakes.recording.redact import Redactor

DEFAULT_MATCH_ON = ("method", "path", "query")
KNOWN_MATCHERS = ("method", "scheme", "host", "path", "query", "headers", "body")


@dataclass(frozen=True)
class Request:
    """A live request as the matchers see it (secrets already redacted like the cassette's)."""

    method: str
    uri: str
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes | None = None

    def describe(self) -> str:
        return f"{self.method} {self.uri}"


class ReplayMiss(JobFakesError):
    """No recorded interaction answers a request (or its recorded answers are used up)."""

    def __init__(self, message: str, request: Request, nearest: list[tuple[Interaction, str]]):
        super().__init__(message)
        self.request, self.nearest = request, nearest


def _query(uri: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(uri).query, keep_blank_values=True))


@dataclass(frozen=True)
class Matcher:
    """Which parts of a request must equal the recorded one."""

    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    headers: tuple[str, ...] = ()  # header names compared when "headers" is in match_on

    def __post_init__(self) -> None:
        unknown = [m for m in self.match_on if m not in KNOWN_MATCHERS]
        if unknown:
            raise ValueError(f"unknown matcher {unknown[0]!r}; known: {', '.join(KNOWN_MATCHERS)}")

    def parts(self) -> list[tuple[str, Callable[[Request, Interaction], bool]]]:
        table: dict[str, Callable[[Request, Interaction], bool]] = {
            "method": lambda r, i: r.method.upper() == i.method.upper(),
            "scheme": lambda r, i: urlsplit(r.uri).scheme == urlsplit(i.uri).scheme,
            "host": lambda r, i: urlsplit(r.uri).netloc.lower() == urlsplit(i.uri).netloc.lower(),
            "path": lambda r, i: (urlsplit(r.uri).path or "/") == i.path,
            "query": lambda r, i: _query(r.uri) == _query(i.uri),
            "headers": lambda r, i: all(
                first(r.headers, h) == first(i.request_headers, h) for h in self.headers
            ),
            "body": lambda r, i: (r.body or b"") == (i.request_body or b""),
        }
        return [(name, table[name]) for name in self.match_on]

    def key(
        self, method: str, uri: str, headers: dict[str, list[str]], body: bytes | None
    ) -> tuple[object, ...]:
        """A hashable key: two requests match exactly when their keys are equal."""
        parts = urlsplit(uri)
        values: dict[str, object] = {
            "method": method.upper(),
            "scheme": parts.scheme,
            "host": parts.netloc.lower(),
            "path": parts.path or "/",
            "query": tuple(sorted(parse_qsl(parts.query, keep_blank_values=True))),
            "headers": tuple(first(headers, h) for h in self.headers),
            "body": body or b"",
        }
        return tuple(values[name] for name in self.match_on)

    def failures(self, request: Request, item: Interaction) -> list[str]:
        return [name for name, check in self.parts() if not check(request, item)]


class Player:
    """Recorded answers for live requests, thread-safe; `next` raises ReplayMiss on a miss."""

    def __init__(
        self,
        interactions: Sequence[Interaction],
        matcher: Matcher | None = None,
        redactor: Redactor | None = None,
        *,
        repeat_last: bool = False,
    ):
        self.interactions = list(interactions)
        self.matcher = matcher or Matcher()
        self.redactor = redactor or Redactor()
        self.repeat_last = repeat_last
        self.missing_file: str | None = None  # the cassette file, when it does not exist
        self._lock = threading.Lock()
        self._queues: dict[tuple[object, ...], list[int]] = {}
        for index, item in enumerate(self.interactions):
            key = self.matcher.key(item.method, item.uri, item.request_headers, item.request_body)
            self._queues.setdefault(key, []).append(index)
        self.played = [0] * len(self.interactions)
        self._cursor: dict[tuple[object, ...], int] = {}

    def add(self, item: Interaction) -> None:
        """Append a newly recorded interaction (new_episodes)."""
        with self._lock:
            self.interactions.append(item)
            self.played.append(1)  # it answered the request that recorded it
            key = self.matcher.key(item.method, item.uri, item.request_headers, item.request_body)
            queue = self._queues.setdefault(key, [])
            queue.append(len(self.interactions) - 1)
            self._cursor[key] = len(queue)

    def reset(self) -> None:
        """Start every recorded sequence from its first answer again."""
        with self._lock:
            self._cursor.clear()
            self.played = [0] * len(self.interactions)

    def normalise(
        self, method: str, uri: str, headers: dict[str, list[str]], body: bytes | None
    ) -> Request:
        """The live request with the cassette's redaction applied, ready to compare."""
        uri, headers, body = self.redactor.request(uri, headers, body)
        return Request(method.upper(), uri, headers, body)

    def find(self, request: Request) -> Interaction | None:
        """The next recorded answer for a request, or None."""
        key = self.matcher.key(request.method, request.uri, request.headers, request.body)
        with self._lock:
            queue = self._queues.get(key)
            if not queue:
                return None
            position = self._cursor.get(key, 0)
            if position >= len(queue):
                if not self.repeat_last:
                    return None
                position = len(queue) - 1
            self._cursor[key] = position + 1
            self.played[queue[position]] += 1
            return self.interactions[queue[position]]

    def next(self, request: Request) -> Interaction:
        """The next recorded answer; ReplayMiss naming the nearest recorded requests if none."""
        found = self.find(request)
        if found is None:
            raise self.miss(request)
        return found

    def exhausted(self, request: Request) -> int:
        """How many recorded answers a request has (all already played when it misses)."""
        key = self.matcher.key(request.method, request.uri, request.headers, request.body)
        return len(self._queues.get(key, []))

    def nearest(self, request: Request, limit: int = 3) -> list[tuple[Interaction, str]]:
        """Recorded interactions that fail the fewest matchers, with the matchers they fail."""
        scored: list[tuple[int, int, Interaction, list[str]]] = []
        for index, item in enumerate(self.interactions):
            failed = self.matcher.failures(request, item)
            scored.append((len(failed), index, item, failed))
        scored.sort(key=lambda entry: (entry[0], entry[1]))
        unique: list[tuple[Interaction, str]] = []
        seen: set[str] = set()
        for _, _, item, failed in scored:
            if item.describe() in seen:
                continue
            seen.add(item.describe())
            unique.append((item, ", ".join(failed) or "none (all answers already played)"))
            if len(unique) == limit:
                break
        return unique

    def miss(self, request: Request) -> ReplayMiss:
        count = self.exhausted(request)
        if count:
            head = (
                f"{request.describe()} matched {count} recorded interaction(s), all already "
                "played (identical requests replay in recorded order; allow repeats to reuse "
                "the last)"
            )
        else:
            head = f"no recorded interaction matches {request.describe()}"
        nearest = [] if count else self.nearest(request)
        lines = [head]
        if nearest:
            lines.append(f"matchers: {', '.join(self.matcher.match_on)}; nearest recorded:")
            lines += [f"  {item.describe()}  (failed: {failed})" for item, failed in nearest]
        elif not count and self.missing_file:
            lines.append(
                f"the cassette file {self.missing_file} does not exist (record mode 'none' "
                "only replays: record it once with --record-mode=once)"
            )
        elif not count:
            lines.append("the cassette has no interactions")
        return ReplayMiss("\n".join(lines), request, nearest)

    def unplayed(self) -> list[Interaction]:
        return [
            item for item, count in zip(self.interactions, self.played, strict=True) if not count
        ]


def parse_match_on(values: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`--match-on` values: matcher names, and `header:Name` for headers to compare."""
    names: list[str] = list(DEFAULT_MATCH_ON)
    headers: list[str] = []
    for value in values:
        for part in (p.strip() for p in value.split(",") if p.strip()):
            if part.lower().startswith("header:"):
                headers.append(part.split(":", 1)[1])
                part = "headers"
            if part not in names:
                names.append(part)
    return tuple(names), tuple(headers)
