"""`/__admin/faults`: list, add, remove and clear the faults of a world.

GET    /__admin/faults          {"faults": [{...the fault..., "matched": n, "taken": n}]}
POST   /__admin/faults          one fault, a list, or {"faults": [...]}: 201 with them
DELETE /__admin/faults/<id>     one fault
DELETE /__admin/faults          every fault
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response

from jobfakes.core.app import json_response, runtime
from jobfakes.core.control import BadRequest, admin_error, json_body
from jobfakes.core.faults import FaultError


def faults_blueprint() -> Blueprint:
    bp = Blueprint("jobfakes_faults", __name__, url_prefix="/__admin")
    bp.register_error_handler(FaultError, lambda e: admin_error(str(e)))
    bp.register_error_handler(BadRequest, lambda e: admin_error(str(e)))

    @bp.get("/faults")
    def list_faults() -> Response:
        return json_response({"faults": runtime().faults.listing()})

    @bp.post("/faults")
    def add_faults() -> Response:
        specs = fault_list(json_body())
        made = runtime().faults.add(specs)
        return json_response({"faults": [f.spec for f in made]}, 201)

    @bp.delete("/faults/<ident>")
    def remove_fault(ident: str) -> Response:
        if not runtime().faults.remove(ident):
            return admin_error(f"no fault with id {ident}", 404)
        return json_response({"removed": ident})

    @bp.delete("/faults")
    def clear_faults() -> Response:
        runtime().faults.clear()
        return json_response({"status": "cleared"})

    return bp


def fault_list(body: Any) -> list[Any]:
    """The faults of a body or a file: one object, a list, or {"faults": [...]}."""
    if isinstance(body, dict) and set(body) == {"faults"}:
        body = body["faults"]
    if isinstance(body, dict):
        return [body]
    if isinstance(body, list):
        return body
    raise BadRequest("expected a fault object, a list of them, or {'faults': [...]}")


def load_faults(path: str) -> list[Any]:
    """The faults of a YAML (or JSON) file; ValueError naming the file when it is wrong."""
    import yaml  # here: only a --faults file needs it, and it costs the cold start 25 ms

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"--faults {path}: {error}") from None
    try:
        return fault_list(data)
    except BadRequest as error:
        raise ValueError(f"--faults {path}: {error}") from None
