"""A scenario file: a name, a seed and steps on the world clock, in YAML (or JSON).

    name: stop storm
    seed: 7
    steps:
      - advance: PT1H        # move the world clock (an ISO duration), `times` times
        times: 3
      - stop: 50             # stop 50 active ads, chosen by the seed
      - update: 10           # change the title of 10 active ads
      - expire: 5            # let 5 active ads expire now
      - create: 20           # publish 20 new ads
      - faults: [{kind: status, status: 503, probability: 0.2}]
      - remove_fault: some-id
      - clear_faults: true
      - cap: 1000            # the public feed's hit cap (null: the configured one)
      - rotate_token: navfeed  # a new token; the consumer's old one is revoked
      - sync: true           # the consumer runs here (verify, the pytest helper)

Every step may carry `times` (repeat it) and `pause` (real seconds to wait after it, for a
consumer that runs alongside).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ACTIONS = ("advance", "stop", "update", "expire", "create", "faults", "remove_fault",
           "clear_faults", "cap", "rotate_token", "sync")  # fmt: skip
_COUNTED = ("stop", "update", "expire", "create")


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the step and the field."""


@dataclass(frozen=True)
class Step:
    action: str
    value: Any
    times: int = 1
    pause: float = 0.0


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    seed: int = 1
    description: str = ""
    fakes: tuple[str, ...] = field(default=())  # the fakes it is about (informative)


def library() -> list[str]:
    """Names of the scenarios shipped with jobfakes."""
    folder = resources.files("jobfakes.scenario.library")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load(source: str | Path) -> Scenario:
    """A scenario from a file, or a shipped one by name (`library()`)."""
    path = Path(source)
    if not path.exists() and str(source) in library():
        text = resources.files("jobfakes.scenario.library").joinpath(f"{source}.yaml").read_text()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            known = ", ".join(library())
            raise ScenarioError(f"{source}: not a file nor a shipped scenario ({known})") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source}: {error}") from None
    return parse(data, str(source))


def parse(data: Any, where: str = "scenario") -> Scenario:
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ScenarioError(f"{where}: expected a mapping with a list of steps")
    seed = data.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ScenarioError(f"{where}: seed must be a whole number")
    steps = tuple(_step(item, f"{where}: step {n}") for n, item in enumerate(data["steps"], 1))
    fakes = data.get("fakes", [])
    return Scenario(
        name=str(data.get("name", where)),
        steps=steps,
        seed=seed,
        description=str(data.get("description", "")),
        fakes=tuple(str(f) for f in fakes) if isinstance(fakes, list) else (),
    )


def _step(item: Any, where: str) -> Step:
    if not isinstance(item, dict):
        raise ScenarioError(f"{where}: a step is a mapping such as {{advance: PT1H}}")
    actions = [k for k in item if k in ACTIONS]
    extra = sorted(set(item) - set(ACTIONS) - {"times", "pause"})
    if len(actions) != 1 or extra:
        raise ScenarioError(f"{where}: one of {', '.join(ACTIONS)} (and times, pause)")
    action = actions[0]
    value = item[action]
    times, pause = item.get("times", 1), item.get("pause", 0.0)
    if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= 10_000:
        raise ScenarioError(f"{where}: times must be 1..10000")
    if not isinstance(pause, int | float) or isinstance(pause, bool) or not 0 <= pause <= 3600:
        raise ScenarioError(f"{where}: pause must be 0..3600 seconds")
    if action in _COUNTED and (
        not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000
    ):
        raise ScenarioError(f"{where}: {action} takes a number of ads")
    if action in ("advance", "remove_fault", "rotate_token") and not isinstance(value, str):
        raise ScenarioError(f"{where}: {action} takes a string")
    if action == "faults" and not isinstance(value, list | dict):
        raise ScenarioError(f"{where}: faults takes a fault or a list of them")
    return Step(action, value, times, float(pause))
