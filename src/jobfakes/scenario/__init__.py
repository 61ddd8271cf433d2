"""Scenarios: scripted timelines on the world clock (see `jobfakes.scenario.runner`).

The names are loaded on first use, so that `jobfakes` (whose CLI registers the scenario
commands) starts without importing the runner's HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "Scenario": "model",
    "ScenarioError": "model",
    "Step": "model",
    "library": "model",
    "load": "model",
    "Control": "runner",
    "RunLog": "runner",
    "run": "runner",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'jobfakes.scenario' has no attribute {name!r}")
    return getattr(importlib.import_module(f"jobfakes.scenario.{_HOME[name]}"), name)
