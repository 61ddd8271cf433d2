"""Server configuration: defaults, then `JOBFAKES_*` environment variables, then arguments."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from jobfakes.world.times import parse_instant
from jobfakes.world.world import WorldConfig


def wall_clock_now() -> str:
    """The machine's time to the whole second, as ISO 8601 (for `--now now`): the one place
    the world's start comes from the wall clock rather than the configuration."""
    return datetime.fromtimestamp(int(time.time()), UTC).isoformat()


@dataclass(frozen=True)
class Config:
    """Everything a server needs to build its world and fakes."""

    seed: int = 1
    ads: int = 5000
    now: str | None = None  # ISO instant of the world's start, or "now"; None = the default
    clock: str = "frozen"
    db: str | None = None
    fakes: tuple[str, ...] = ()  # empty = every registered fake
    # fake name -> signing secret; a mapping is accepted and kept as sorted pairs (hashable)
    secrets: tuple[tuple[str, str], ...] = ()
    redis_url: str | None = None  # rate-limit counts shared by several processes
    publicfeed_cap: int = 5000  # total hits the public feed reports and pages through
    parsebot_keys: tuple[str, ...] = ()  # "KEY:TIER"; empty = one Developer key
    parsebot_credit_status: int = 402  # out of monthly credits: 402 or 429
    jobfeed_accounts: tuple[str, ...] = ()  # "USER:PASSWORD"; empty = one account
    jobfeed_limits: str | None = None  # e.g. "100/second"; "none" = unlimited
    jobs: int = 5000  # jobs in the Dutch (Jobfeed) world
    admin_token: str | None = None  # bearer token the control plane then requires
    allow_hosts: tuple[str, ...] = ()  # Host names the control plane accepts besides loopback
    journal_size: int = 100_000  # newest requests the journal keeps
    faults_file: str | None = None  # YAML or JSON list of faults installed at start and on reset

    def __post_init__(self) -> None:
        if isinstance(self.secrets, Mapping):
            object.__setattr__(self, "secrets", tuple(sorted(self.secrets.items())))
        if self.clock not in ("frozen", "running"):
            raise ValueError(f"clock must be 'frozen' or 'running', not {self.clock!r}")
        if self.ads < 1:
            raise ValueError("ads must be at least 1")
        if self.jobs < 1:
            raise ValueError("jobs must be at least 1")
        if self.journal_size < 1:
            raise ValueError("journal_size must be at least 1")
        if self.publicfeed_cap < 1:
            raise ValueError("publicfeed_cap must be at least 1")
        if self.now is not None and self.now.strip().lower() == "now":
            object.__setattr__(self, "now", wall_clock_now())  # once, for every worker
        if self.now is not None:
            parse_instant(self.now)

    def world(self) -> WorldConfig:
        start = parse_instant(self.now) if self.now else 0
        return WorldConfig(seed=self.seed, ads=self.ads, start=start, clock=self.clock, db=self.db)  # type: ignore[arg-type]

    def secret(self, fake: str) -> str:
        return dict(self.secrets).get(fake) or f"jobfakes-{fake}-secret-for-local-testing"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Read `JOBFAKES_<FIELD>` for each field (`JOBFAKES_SEED`, `_ADS`, `_PUBLICFEED_CAP`,
        ...; tuples as comma or space separated lists) and `JOBFAKES_<FAKE>_SECRET`; keyword
        arguments win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = env.get(f"JOBFAKES_{item.name.upper()}")
            if raw is None or item.name == "secrets":
                continue
            if item.type == "int":
                values[item.name] = int(raw)
            elif item.type.startswith("tuple"):
                values[item.name] = tuple(n for n in re.split(r"[,\s]+", raw) if n)
            else:
                values[item.name] = raw
        secrets = {
            k[len("JOBFAKES_") : -len("_SECRET")].lower(): v
            for k, v in env.items()
            if k.startswith("JOBFAKES_") and k.endswith("_SECRET")
        }
        values["secrets"] = secrets
        return replace(cls(**values), **overrides)


def config_with(base: Config, settings: Mapping[str, Any]) -> Config:
    """`base` with `settings` (a marker's or `jobfakes.mock`'s keywords); a ConfigError names
    an unknown key (and the valid ones) or a bad value."""
    import difflib

    from jobfakes.errors import ConfigError

    valid = [item.name for item in fields(Config)]
    unknown = [key for key in settings if key not in valid]
    if unknown:
        hints = [
            f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key)
            for key in unknown
            for close in [difflib.get_close_matches(key, valid, n=1)]
        ]
        raise ConfigError(f"unknown setting {', '.join(hints)}; valid: {', '.join(valid)}")
    try:
        return replace(base, **settings)
    except (TypeError, ValueError) as error:
        raise ConfigError(str(error)) from None
