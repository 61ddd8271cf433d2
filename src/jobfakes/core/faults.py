"""Faults: what a matching request suffers, as world state that every worker of a world sees.

A fault matches a fake, a method, a path pattern (shell-style: `/api/v1/feed/*`) and
optionally query parameters and headers (patterns too), inside an optional window of world
time; past its first `skip` matching calls it is taken with `probability`, at most `count`
times. Whether the n-th matching call takes it is drawn from a generator seeded with
(seed, fault id, n), so a run with the same calls in the same order fails the same way.

The list lives in the world's `entries` (namespace `faults`), so it holds across workers and
replicas; each process keeps the parsed list until the world's version changes. The counts
(calls matched, faults taken) live beside the rate-limit counts: in memory for an in-memory
world, in the traffic file of a file world, so `count` is exact across workers, and in Redis
(one atomic INCR each) when replicas share a `--redis-url`, so it is exact across replicas.
"""

from __future__ import annotations

import math
import random
import re
import threading
from dataclasses import dataclass, field, replace
from fnmatch import translate
from typing import TYPE_CHECKING, Any

import orjson

from jobfakes.world.times import iso_utc, parse_instant

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jobfakes.world.world import World

NS = "faults"
LATENCY = "latency"
# Faults the transport suffers, then those that change the world around an answer.
GENERIC = ("latency", "status", "reset", "cut", "malformed", "drip")
DOMAIN = ("publish", "stop_ad", "revoke_token", "credits_out", "etag_change", "not_modified")
KINDS = GENERIC + DOMAIN
CUT_LENGTHS = ("full", "cut", "none")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_MATCH_KEYS = {"id", "fake", "method", "path", "query", "headers", "kind", "probability",
               "count", "skip", "from", "until", "seed", "note"}  # fmt: skip
_KIND_KEYS: dict[str, set[str]] = {
    "latency": {"ms", "min_ms", "max_ms", "median_ms", "sigma"},
    "status": {"status", "retry_after", "body", "content_type"},
    "reset": set(),
    "cut": {"after_bytes", "content_length"},
    "malformed": set(),
    "drip": {"chunk_bytes", "delay_ms"},
    "publish": {"ads"},
    "stop_ad": {"uuid"},
    "revoke_token": set(),
    "credits_out": set(),
    "etag_change": set(),
    "not_modified": set(),
}
MAX_DELAY_MS = 60_000


class FaultError(ValueError):
    """A fault that cannot be installed; the message names the field."""


@dataclass(frozen=True)
class Fault:
    """One installed fault: its match, its action (`kind` and `params`), its odds."""

    id: str
    kind: str
    order: int
    spec: dict[str, Any]  # as given, normalised: what the control plane lists
    fake: str | None = None
    method: str | None = None
    path: re.Pattern[str] | None = None
    query: tuple[tuple[str, re.Pattern[str]], ...] = ()
    headers: tuple[tuple[str, re.Pattern[str]], ...] = ()
    probability: float = 1.0
    count: int | None = None
    skip: int = 0
    start: int | None = None
    until: int | None = None
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)

    def matches(self, fake: str | None, method: str, path: str, environ: Mapping[str, Any]) -> bool:
        """Whether a request is one this fault is about (its odds are drawn apart)."""
        if self.fake is not None and self.fake != fake:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path is not None and self.path.match(path) is None:
            return False
        if self.query:
            args = _query_args(environ)
            for name, pattern in self.query:
                if not any(pattern.match(v) for v in args.get(name, [])):
                    return False
        for name, pattern in self.headers:
            value = environ.get("HTTP_" + name.upper().replace("-", "_"))
            if value is None or pattern.match(value) is None:
                return False
        return True

    def in_window(self, now: int) -> bool:
        after_start = self.start is None or now >= self.start
        return after_start and (self.until is None or now < self.until)

    def draw(self, n: int) -> random.Random:
        """The generator of this fault's n-th matching call (seeded: the same n, the same
        draws, in any process)."""
        return random.Random(f"{self.seed}:{self.id}:{n}")

    def takes(self, n: int) -> bool:
        """Whether the n-th matching call (1-based) is faulted, before `count` is applied."""
        if n <= self.skip:
            return False
        return self.probability >= 1.0 or self.draw(n).random() < self.probability

    def latency_ms(self, n: int) -> float:
        """The delay of a latency fault for its n-th matching call."""
        p, rng = self.params, self.draw(n)
        if "ms" in p:
            return float(p["ms"])
        if "min_ms" in p:
            return rng.uniform(p["min_ms"], p["max_ms"])
        return min(MAX_DELAY_MS, rng.lognormvariate(math.log(p["median_ms"]), p["sigma"]))


def _query_args(environ: Mapping[str, Any]) -> dict[str, list[str]]:
    """The request's query parameters, parsed once for all the faults that look at them."""
    args: dict[str, list[str]] | None = environ.get("jobfakes.query_args")
    if args is None:
        from urllib.parse import parse_qs

        args = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if isinstance(environ, dict):
            environ["jobfakes.query_args"] = args
    return args


def parse(spec: Any, order: int, default_seed: int, fakes: list[str]) -> Fault:
    """A fault from its JSON form; FaultError naming the field that is wrong."""
    if not isinstance(spec, dict):
        raise FaultError("a fault is a JSON object")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultError(f"kind must be one of {', '.join(KINDS)}")
    unknown = sorted(set(spec) - _MATCH_KEYS - _KIND_KEYS[kind])
    if unknown:
        raise FaultError(f"unknown field(s) for a {kind} fault: {', '.join(unknown)}")
    ident = spec.get("id", f"fault-{order}")
    if not isinstance(ident, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", ident):
        raise FaultError("id: 1-64 letters, digits or _.:-")
    fake = _optional_str(spec, "fake")
    if fake is not None and fake not in fakes:
        raise FaultError(f"fake must be one of {', '.join(fakes)}")
    method = _optional_str(spec, "method")
    if method is not None:
        method = method.upper()
        if method not in METHODS:
            raise FaultError(f"method must be one of {', '.join(METHODS)}")
    path = _optional_str(spec, "path")
    probability = _number(spec, "probability", 1.0, 0.0, 1.0)
    count = spec.get("count")
    if count is not None:
        count = int(_number(spec, "count", 1, 1, 10**9, integer=True))
    start = _instant(spec, "from")
    until = _instant(spec, "until")
    if start is not None and until is not None and until <= start:
        raise FaultError("until must be after from")
    fault = Fault(
        id=ident,
        kind=kind,
        order=order,
        spec={},
        fake=fake,
        method=method,
        path=None if path is None else _glob(path, "path"),
        query=_patterns(spec, "query"),
        headers=_patterns(spec, "headers"),
        probability=probability,
        count=count,
        skip=int(_number(spec, "skip", 0, 0, 10**9, integer=True)),
        start=start,
        until=until,
        seed=int(_number(spec, "seed", default_seed, -(2**62), 2**62, integer=True)),
        params=_params(kind, spec),
    )
    listed = {k: v for k, v in spec.items() if k not in ("from", "until")}
    listed.update(id=ident, kind=kind, probability=probability, seed=fault.seed)
    if start is not None:
        listed["from"] = iso_utc(start)
    if until is not None:
        listed["until"] = iso_utc(until)
    return replace(fault, spec=listed)


def _params(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    if kind == "latency":
        shapes = [k for k in ("ms", "min_ms", "median_ms") if k in spec]
        if len(shapes) != 1:
            raise FaultError("latency: give ms, or min_ms and max_ms, or median_ms and sigma")
        if "ms" in spec:
            return {"ms": _number(spec, "ms", 0, 0, MAX_DELAY_MS)}
        if "min_ms" in spec:
            low = _number(spec, "min_ms", 0, 0, MAX_DELAY_MS)
            high = _number(spec, "max_ms", low, low, MAX_DELAY_MS)
            return {"min_ms": low, "max_ms": high}
        median = _number(spec, "median_ms", 1, 0.001, MAX_DELAY_MS)
        return {"median_ms": median, "sigma": _number(spec, "sigma", 0.5, 0, 5)}
    if kind == "status":
        status = int(_number(spec, "status", 503, 400, 599, integer=True))
        params: dict[str, Any] = {"status": status}
        if "retry_after" in spec or status == 429:
            params["retry_after"] = int(_number(spec, "retry_after", 1, 0, 86_400, integer=True))
        if "body" in spec:
            params["body"] = _optional_str(spec, "body")
            params["content_type"] = _optional_str(spec, "content_type") or "text/plain"
        return params
    if kind == "cut":
        length = spec.get("content_length", "full")
        if length not in CUT_LENGTHS:
            raise FaultError(f"content_length must be one of {', '.join(CUT_LENGTHS)}")
        after = int(_number(spec, "after_bytes", 0, 0, 10**9, integer=True))
        return {"after_bytes": after, "content_length": length}
    if kind == "drip":
        return {
            "chunk_bytes": int(_number(spec, "chunk_bytes", 64, 1, 10**6, integer=True)),
            "delay_ms": _number(spec, "delay_ms", 10, 0, MAX_DELAY_MS),
        }
    if kind == "publish":
        return {"ads": int(_number(spec, "ads", 1, 1, 1000, integer=True))}
    if kind == "stop_ad":
        return {"uuid": _optional_str(spec, "uuid")}
    return {}


def _optional_str(spec: dict[str, Any], name: str) -> str | None:
    value = spec.get(name)
    if value is not None and not isinstance(value, str):
        raise FaultError(f"{name} must be a string")
    return value


def _number(
    spec: dict[str, Any], name: str, default: float, low: float, high: float, integer: bool = False
) -> float:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise FaultError(f"{name} must be a number")
    if integer and value != int(value):
        raise FaultError(f"{name} must be a whole number")
    if not low <= value <= high:
        raise FaultError(f"{name} must be between {low:g} and {high:g}")
    return float(value)


def _instant(spec: dict[str, Any], name: str) -> int | None:
    value = spec.get(name)
    if value is None:
        return None
    try:
        return parse_instant(str(value))
    except (ValueError, OverflowError, ArithmeticError):
        raise FaultError(f"{name}: not an ISO 8601 instant: {value!r}") from None


def _glob(pattern: str, name: str) -> re.Pattern[str]:
    if len(pattern) > 500:
        raise FaultError(f"{name}: a pattern of at most 500 characters")
    return re.compile(translate(pattern))


def _patterns(spec: dict[str, Any], name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    value = spec.get(name)
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise FaultError(f"{name} must be an object of name -> pattern strings")
    return tuple((k, _glob(v, f"{name}.{k}")) for k, v in sorted(value.items()))


class _MemoryCounts:
    """Counts of one process (an in-memory world has one)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + amount
            return self._counts[key]

    def get(self, key: str) -> int:
        return self._counts.get(key, 0)

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


_FOREVER = 10 * 365 * 86_400  # seconds: fault counts expire only when the fault goes


class FaultBook:
    """The faults of one world: install, list, remove; which fault a request takes."""

    def __init__(
        self, world: World, fakes: list[str], traffic: str | None = None,
        redis_url: str | None = None,
    ) -> None:  # fmt: skip
        self.world, self.fakes = world, fakes
        self._cache: tuple[int, list[Fault]] = (-1, [])
        self._initial: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._counts: Any
        self._prefix = ""
        if redis_url:  # replicas: one INCR per count in Redis, exact across all of them
            from limits.storage import storage_from_string

            from jobfakes.world.changelog import prefix

            self._counts = storage_from_string(redis_url)
            self._prefix = f"{prefix(world)}:"
        elif traffic is None:
            self._counts = _MemoryCounts()
        else:
            from jobfakes.core.counts import SharedCounts

            self._counts = SharedCounts(f"jobfakes+sqlite://{traffic}")

    # ---- the list ---------------------------------------------------------------------------
    def faults(self) -> list[Fault]:
        """The installed faults in order, parsed once per world version."""
        version, parsed = self._cache
        if version == self.world.version:
            return parsed
        with self._lock:
            version = self.world.version
            rows = self.world.store.entries(NS)
            found = [orjson.loads(v) for v in rows.values()]
            found.sort(key=lambda item: item["order"])
            parsed = [
                parse(item["spec"], item["order"], self.world.config.seed, self.fakes)
                for item in found
            ]
            self._cache = (version, parsed)
        return parsed

    def add(self, specs: list[Any]) -> list[Fault]:
        """Install faults (all or none); FaultError when one is wrong or its id is taken."""
        existing = self.faults()
        order = max((f.order for f in existing), default=0)
        taken = {f.id for f in existing}
        made: list[Fault] = []
        for spec in specs:
            order += 1
            fault = parse(spec, order, self.world.config.seed, self.fakes)
            if fault.id in taken:
                raise FaultError(f"id: a fault {fault.id!r} is installed already")
            taken.add(fault.id)
            made.append(fault)
        for fault in made:
            self._clear_counts(fault.id)
            row = orjson.dumps({"order": fault.order, "spec": fault.spec}).decode()
            self.world.put_entry(NS, fault.id, row)
        return made

    def remove(self, ident: str) -> bool:
        if ident not in {f.id for f in self.faults()}:
            return False
        rest = {k: v for k, v in self.world.store.entries(NS).items() if k != ident}
        self.world.reset_entries(NS, rest)
        self._clear_counts(ident)
        return True

    def clear(self) -> None:
        for fault in self.faults():
            self._clear_counts(fault.id)
        self.world.reset_entries(NS, {})

    def install_initial(self, specs: list[Any]) -> None:
        """Faults given at start (`serve --faults FILE`): installed now and after each reset."""
        self._initial = list(specs)
        if not self.faults():  # another worker of this world may have installed them already
            self.add(self._initial)

    def reset(self) -> None:
        """Back to the faults given at start, their counts at zero."""
        self.clear()
        if self._initial:
            self.add(self._initial)

    # ---- counts -----------------------------------------------------------------------------
    def _key(self, ident: str, what: str) -> str:
        return f"{self._prefix}fault:{ident}:{what}"

    def _clear_counts(self, ident: str) -> None:
        for what in ("matched", "taken"):
            self._counts.clear(self._key(ident, what))

    def counts(self, fault: Fault) -> dict[str, int]:
        taken = self._counts.get(self._key(fault.id, "taken"))
        if fault.count is not None:
            taken = min(taken, fault.count)
        return {"matched": self._counts.get(self._key(fault.id, "matched")), "taken": taken}

    def listing(self) -> list[dict[str, Any]]:
        return [{**f.spec, **self.counts(f)} for f in self.faults()]

    # ---- the hot path -----------------------------------------------------------------------
    def take(
        self, faults: list[Fault], fake: str | None, method: str, path: str, environ: Any
    ) -> list[tuple[Fault, int]]:
        """The faults this request takes, with the number of its matching call: every latency
        fault taken, then at most one other (the first in order)."""
        now = self.world.now()
        chosen: list[tuple[Fault, int]] = []
        for fault in faults:
            if not fault.matches(fake, method, path, environ) or not fault.in_window(now):
                continue
            n = self._counts.incr(self._key(fault.id, "matched"), _FOREVER)
            if not fault.takes(n):
                continue
            taken = self._counts.incr(self._key(fault.id, "taken"), _FOREVER)
            if fault.count is not None and taken > fault.count:
                continue
            chosen.append((fault, n))
            if fault.kind != LATENCY:
                break
        return chosen
