"""What one planned step does to an ad, and the rows an ad and a step are stored as."""

from __future__ import annotations

import orjson

from jobfakes.world.generate import Planned
from jobfakes.world.model import Ad, feed_status


def ad_row(ad: Ad) -> tuple[str, str, str, int, int | None, bytes]:
    return (
        ad["uuid"],
        ad["status"],
        feed_status(ad),
        ad["updated"],
        ad["expires"],
        orjson.dumps(ad),
    )


def pending_row(step: Planned) -> tuple[int, int, str, str, str, bytes]:
    return (step.time, step.order, step.kind, step.ad_uuid, step.event_id, orjson.dumps(step.data))


def apply_step(docs: dict[str, Ad], step: Planned) -> Ad | None:
    """The ad after one step, or None when the step no longer applies (already stopped...)."""
    if step.kind == "publish":
        docs[step.ad_uuid] = dict(step.data)
    ad = docs.get(step.ad_uuid)
    if ad is None:
        return None
    if step.kind in ("admin", "publish"):
        ad.update(step.data)
    elif ad["status"] != "ACTIVE":
        return None
    elif step.kind == "update":
        ad.update(step.data)
    elif step.kind == "stop":
        ad["status"] = "STOPPED"
    elif step.kind == "expire":
        if ad["expires"] is None or ad["expires"] > step.time:
            return None
        ad["status"] = "INACTIVE"
    ad["updated"] = step.time
    return ad
