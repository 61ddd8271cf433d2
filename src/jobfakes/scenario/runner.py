"""Run a scenario against a fake server's control plane (live, or in process through the
adapter), step by step; a callback runs the consumer at each `sync` step."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from jobfakes.scenario.model import Scenario, ScenarioError, Step


class Control:
    """The few control-plane calls a scenario makes, over HTTP."""

    def __init__(self, base_url: str, session: requests.Session | None = None,
                 admin_token: str | None = None):  # fmt: skip
        self.base = base_url.rstrip("/") + "/__admin"
        self.session = session or requests.Session()
        self.headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.session.request(
            method, self.base + path, json=body, headers=self.headers, timeout=300
        )
        if answer.status_code >= 400:
            raise ScenarioError(f"{method} /__admin{path} -> {answer.status_code}: {answer.text}")
        return answer.json()


@dataclass
class RunLog:
    """What a run did: one line per step taken, and the tokens it holds at the end."""

    lines: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)


def run(
    scenario: Scenario,
    control: Control,
    on_sync: Callable[[int], None] | None = None,
    tokens: dict[str, str] | None = None,
    on_token: Callable[[str, str], None] | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> RunLog:
    """Carry out every step, telling the server how far it got (`PUT /__admin/scenario`, for
    the dashboard). `tokens` are the consumer's (fake -> token), which `rotate_token` revokes
    and replaces (telling `on_token`); `on_sync(n)` runs at the n-th `sync` step; `progress`
    (jobfakes.progress, on the terminal) hears of each step done."""
    log = RunLog(tokens=dict(tokens or {}))
    board = Progress(control, scenario)
    syncs = 0
    board.tell(0, "running")
    try:
        for number, step in enumerate(scenario.steps, 1):
            for repeat in range(step.times):
                board.tell(number, "running", step.action, log, first=repeat == 0)
                rng = random.Random(f"{scenario.seed}:{number}:{repeat}")
                if step.action == "sync":
                    syncs += 1
                    if on_sync is not None:
                        on_sync(syncs)
                    log.lines.append(f"step {number}: sync point {syncs}")
                else:
                    log.lines.append(f"step {number}: {_do(step, control, rng, log, on_token)}")
                board.done += 1
                if progress:
                    progress(f"scenario {scenario.name}: steps", board.done, board.total)
                if step.pause:
                    time.sleep(step.pause)
    except Exception as error:
        board.failed(error, log)
        raise
    board.tell(len(scenario.steps), "finished", None, log)
    return log


class Progress:
    """A run's progress as the server keeps it: before each step (and each repeat of it, at
    most every `EVERY` seconds: a step repeated a thousand times costs few calls), at the end,
    and on a failure."""

    EVERY = 0.5

    def __init__(self, control: Control, scenario: Scenario):
        self.control = control
        self.name = scenario.name[:200] or "scenario"
        self.steps = len(scenario.steps)
        self.total = sum(step.times for step in scenario.steps)
        self.done = 0
        self._told = 0.0
        self._step = 0

    def tell(self, step: int, state: str, action: str | None = None,
             log: RunLog | None = None, first: bool = True) -> None:  # fmt: skip
        if not first and time.monotonic() - self._told < self.EVERY:
            return
        body: dict[str, Any] = {"name": self.name, "step": step, "steps": self.steps,
                                "state": state, "done": self.done, "total": self.total}  # fmt: skip
        if action:
            body["action"] = action
        if log is not None and log.lines:
            body["line"] = log.lines[-1][:500]
        self._step = step
        self.control.call("PUT", "/scenario", body)
        self._told = time.monotonic()

    def failed(self, error: Exception, log: RunLog) -> None:
        """Tell the server the run stopped here; a server that cannot be told is the error
        already being raised, not a second one."""
        body: dict[str, Any] = {"name": self.name, "step": self._step, "steps": self.steps,
                                "state": "failed", "done": self.done, "total": self.total,
                                "error": str(error)[:2000] or type(error).__name__}  # fmt: skip
        if log.lines:
            body["line"] = log.lines[-1][:500]
        with contextlib.suppress(ScenarioError, requests.RequestException):
            self.control.call("PUT", "/scenario", body)


def _do(step: Step, control: Control, rng: random.Random, log: RunLog,
        on_token: Callable[[str, str], None] | None) -> str:  # fmt: skip
    action, value = step.action, step.value
    if action == "advance":
        now = control.call("POST", "/clock", {"advance": value})["now"]
        return f"clock advanced {value} to {now}"
    if action in ("stop", "update", "expire"):
        chosen = _pick(control, rng, value)
        for uuid in chosen:
            if action == "stop":
                control.call("POST", f"/ads/{uuid}/stop")
            elif action == "update":
                control.call(
                    "PATCH", f"/ads/{uuid}", {"title": f"Oppdatert {rng.randrange(10**6)}"}
                )
            else:
                now = control.call("GET", "/clock")["now"]
                control.call("PATCH", f"/ads/{uuid}", {"expires": now})
        return f"{action} {len(chosen)} ads"
    if action == "create":
        for _ in range(value):
            control.call("POST", "/ads", {})
        return f"created {value} ads"
    if action == "faults":
        made = control.call("POST", "/faults", value)["faults"]
        return "faults on: " + ", ".join(f["id"] for f in made)
    if action == "remove_fault":
        control.call("DELETE", f"/faults/{value}")
        return f"fault {value} off"
    if action == "clear_faults":
        control.call("DELETE", "/faults")
        return "every fault off"
    if action == "cap":
        return f"public feed cap {control.call('POST', '/publicfeed/cap', {'cap': value})['cap']}"
    if action == "rotate_token":
        new = control.call("POST", "/tokens", {"fake": value})["token"]
        old = log.tokens.get(value)
        if old:
            control.call("POST", "/tokens/revoke", {"fake": value, "token": old})
        log.tokens[value] = new
        if on_token is not None:
            on_token(value, new)
        return f"{value} token rotated" + (" (the old one revoked)" if old else "")
    raise ScenarioError(f"unknown action {action}")  # parse() lets none through


def _pick(control: Control, rng: random.Random, count: int) -> list[str]:
    active = sorted(a["uuid"] for a in control.call("GET", "/ads?status=ACTIVE"))
    return rng.sample(active, min(count, len(active)))
