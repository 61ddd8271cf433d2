"""Stored values -> the wire: coded fields as `{"value", "label"}` (bare codes with
`_labels=0`), skills as lists of those, booleans as true/false, dates as ISO dates."""

from __future__ import annotations

from typing import Any

import orjson

from jobfakes.world.jobfeed.fields import Field

_CODED = ("code", "location")


class Labeller:
    """Renders values with labels in one language, or bare when `language` is None."""

    def __init__(self, language: str | None):
        self.language = language

    def label(self, spec: Field, code: Any) -> str | None:
        if self.language is None or spec.labels is None:
            return None
        return spec.labels[self.language].get(code)

    def value(self, spec: Field, raw: Any) -> Any:
        if raw is None:
            return None
        if spec.type == "boolean":
            return bool(raw)
        if spec.type == "codes":
            items = orjson.loads(raw)
            if self.language is None:
                return items
            return [{"value": i, "label": self.label(spec, i)} for i in items]
        if spec.type in _CODED and self.language is not None:
            return {"value": raw, "label": self.label(spec, raw)}
        return raw

    def cell(self, spec: Field | None, raw: Any) -> Any:
        """An aggregation cell: labelled like a field value (codes fields by single id)."""
        if spec is None or raw is None or self.language is None:
            return raw
        if spec.type in (*_CODED, "codes"):
            return {"value": raw, "label": self.label(spec, raw)}
        return raw

    def pair(self, spec: Field, raw: Any) -> dict[str, Any]:
        """A facet entry's value (and label)."""
        if spec.type == "boolean":
            raw = bool(raw)
        if self.language is None or spec.type not in (*_CODED, "codes"):
            return {"value": raw}
        return {"value": raw, "label": self.label(spec, raw)}
