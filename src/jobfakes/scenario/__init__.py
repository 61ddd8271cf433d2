"""Scenarios: scripted timelines on the world clock (see `jobfakes.scenario.runner`)."""

from jobfakes.scenario.model import Scenario, ScenarioError, Step, library, load
from jobfakes.scenario.runner import Control, RunLog, run

__all__ = ["Control", "RunLog", "Scenario", "ScenarioError", "Step", "library", "load", "run"]
