"""`/__admin/scenario`: what a scenario run and `verify` tell the server, for the dashboard.

PUT    /__admin/scenario          a run's progress: {"name", "step", "steps", "state", ...}
PUT    /__admin/scenario/report   the last verification report: {"scenario", "verdict",
                                  "findings", "cost", ...}
GET    /__admin/scenario          {"progress": {...} | null, "report": {...} | null}
DELETE /__admin/scenario          forget both

Scenarios run in the client (jobfakes.scenario.runner), so the server learns of them only
through these calls. Both records are world state in the world's entries (namespace
`scenario`), written like faults and keys: every worker and replica shows the same, and a
reset forgets them (a fresh world has run no scenario). Each gets the world time it came at.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request

from jobfakes.core.app import json_response, runtime
from jobfakes.core.control import BadRequest, admin_error, json_body
from jobfakes.world.times import iso_utc

NS = "scenario"
STATES = ("running", "finished", "failed")
VERDICTS = ("PASS", "FAIL")
MAX_BODY = 256 * 1024  # bytes: a report holds at most a few hundred examples
MAX_COUNT = 10**9
_PROGRESS_TEXT = {"name": 200, "action": 40, "line": 500, "error": 2000}
_PROGRESS_NUMBERS = ("step", "steps", "done", "total")


def scenario_blueprint() -> Blueprint:
    bp = Blueprint("jobfakes_scenario", __name__, url_prefix="/__admin")
    bp.register_error_handler(BadRequest, lambda e: admin_error(str(e)))

    @bp.get("/scenario")
    def show() -> Response:
        return json_response(records())

    @bp.put("/scenario")
    def put_progress() -> Response:
        return json_response(_store("progress", progress(_object())))

    @bp.put("/scenario/report")
    def put_report() -> Response:
        return json_response(_store("report", report(_object())))

    @bp.delete("/scenario")
    def forget() -> Response:
        runtime().world.reset_entries(NS, {})
        return json_response({"status": "cleared"})

    return bp


def records() -> dict[str, Any]:
    """The progress of the last run and the last report, None where there is none."""
    rows = runtime().world.store.entries(NS)
    return {key: orjson.loads(rows[key]) if key in rows else None for key in ("progress", "report")}


def progress(body: dict[str, Any]) -> dict[str, Any]:
    """A run's progress, checked field by field; BadRequest names the field."""
    unknown = sorted(set(body) - set(_PROGRESS_TEXT) - set(_PROGRESS_NUMBERS) - {"state"})
    if unknown:
        raise BadRequest(f"{unknown[0]}: not a field of a scenario's progress")
    for name in ("name", "step", "steps", "state"):
        if name not in body:
            raise BadRequest(f"{name}: required")
    for name, longest in _PROGRESS_TEXT.items():
        if name in body:
            _text(body[name], name, longest, empty=name != "name")
    for name in _PROGRESS_NUMBERS:
        if name in body:
            _count(body[name], name)
    if body["state"] not in STATES:
        raise BadRequest(f"state: expected one of {', '.join(STATES)}, got {body['state']!r}")
    if body["step"] > body["steps"]:
        raise BadRequest(f"step: {body['step']} is past the last step ({body['steps']})")
    if "done" in body and body["done"] > body.get("total", body["done"]):
        raise BadRequest(f"done: {body['done']} is more than total ({body['total']})")
    return body


def report(body: dict[str, Any]) -> dict[str, Any]:
    """A verification report (jobfakes.verify.Report): scenario, verdict, findings and cost
    checked; any further field is kept as it came (the report may grow)."""
    for name in ("scenario", "verdict", "findings", "cost"):
        if name not in body:
            raise BadRequest(f"{name}: required")
    _text(body["scenario"], "scenario", 200)
    if body["verdict"] not in VERDICTS:
        raise BadRequest(f"verdict: expected PASS or FAIL, got {body['verdict']!r}")
    findings = body["findings"]
    if not isinstance(findings, list):
        raise BadRequest("findings: expected a list of {kind, count, examples}")
    for n, finding in enumerate(findings):
        where = f"findings[{n}]"
        if not isinstance(finding, dict):
            raise BadRequest(f"{where}: expected an object with kind, count, examples")
        _text(finding.get("kind"), f"{where}.kind", 100)
        _count(finding.get("count"), f"{where}.count")
        examples = finding.get("examples", [])
        if not isinstance(examples, list):
            raise BadRequest(f"{where}.examples: expected a list of strings")
        for m, example in enumerate(examples):
            _text(example, f"{where}.examples[{m}]", 500, empty=True)
    if not isinstance(body["cost"], dict):
        raise BadRequest("cost: expected an object (what the consumer's calls cost)")
    return body


def _store(key: str, record: dict[str, Any]) -> dict[str, Any]:
    world = runtime().world
    stored = {**record, "at": iso_utc(world.now())}
    world.put_entry(NS, key, orjson.dumps(stored).decode())
    return stored


def _object() -> dict[str, Any]:
    if len(request.get_data()) > MAX_BODY:
        raise BadRequest(f"body: larger than {MAX_BODY} bytes")
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("body: expected a JSON object")
    return body


def _text(value: Any, name: str, longest: int, empty: bool = False) -> None:
    if not isinstance(value, str) or (not value and not empty):
        raise BadRequest(f"{name}: expected a {'' if empty else 'non-empty '}string")
    if len(value) > longest:
        raise BadRequest(f"{name}: longer than {longest} characters")


def _count(value: Any, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise BadRequest(f"{name}: expected a whole number from 0 to {MAX_COUNT}")
