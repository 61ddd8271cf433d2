"""Compare a consumer's holdings and traffic with the ground truth; render the report.

Findings (each a kind, a count and examples):
- `missing`: active in the world, not shown active by the consumer;
- `gone_but_shown`: shown active, but expired or stopped in the world;
- `stale`: shown active with another title than the world's newest;
- `contacts_on_inactive`: an inactive ad still carrying contact data;
- `duplicates`: an ad held more than once;
- `redownloads`: feed pages answered 200 again, unchanged, where If-None-Match gets a 304;
- `retry_after_ignored`: a call sent again before its 429's Retry-After had passed.
Cost: requests, by fake and status; the body bytes received; parse.bot credits (its 200s);
beside it `minimum`: the fewest requests a correct consumer needs (`jobfakes.verify.minimum`).
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from jobfakes.verify.export import Holding

KINDS = ("missing", "gone_but_shown", "stale", "contacts_on_inactive", "duplicates",
         "redownloads", "retry_after_ignored")  # fmt: skip
_FEED_PAGE = "/api/v1/feed/"


@dataclass
class Finding:
    kind: str
    count: int
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        shown = ", ".join(self.examples[:5])
        return f"{self.kind}: {self.count}" + (f" (e.g. {shown})" if shown else "")


@dataclass
class Report:
    scenario: str
    findings: list[Finding]
    cost: dict[str, Any]
    minimum: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """Requests made over the minimum needed (None where no minimum is known)."""
        needed = self.minimum.get("requests")
        return round(self.cost["requests"] / needed, 2) if needed else None

    def _minimum_line(self) -> str:
        if not self.minimum:
            return "minimum: not known for this consumer's API"
        return (f"minimum a correct consumer needs: requests {self.minimum['requests']}"
                f" ({self.minimum['fake']} rule); made {self.ratio}x that")  # fmt: skip

    @property
    def ok(self) -> bool:
        return not self.findings

    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    def text(self) -> str:
        lines = [f"jobfakes verify: scenario {self.scenario}: "
                 + ("PASS" if self.ok else f"FAIL ({len(self.findings)} finding(s))")]  # fmt: skip
        lines += [f"  {f.line()}" for f in self.findings]
        lines.append("  cost: " + ", ".join(f"{k} {v}" for k, v in self.cost.items()))
        lines.append(f"  {self._minimum_line()}")
        return "\n".join(lines)

    def html(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(f.kind)}</td><td>{f.count}</td>"
            f"<td>{html.escape(', '.join(f.examples[:10]))}</td></tr>"
            for f in self.findings
        )
        cost = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>"
            for k, v in self.cost.items()
        )
        verdict = "PASS" if self.ok else "FAIL"
        return (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>jobfakes verify: {html.escape(self.scenario)}</title></head><body>"
            f"<h1>{html.escape(self.scenario)}: {verdict}</h1>"
            "<h2>Findings</h2><table><tr><th>finding</th><th>count</th><th>examples</th></tr>"
            f"{rows}</table><h2>Cost</h2><table>{cost}</table>"
            f"<p>{html.escape(self._minimum_line())}</p></body></html>"
        )

    def junit(self) -> str:
        suite = ElementTree.Element(
            "testsuite", name=f"jobfakes verify {self.scenario}", tests=str(len(KINDS)),
            failures=str(len(self.findings)),
        )  # fmt: skip
        properties = ElementTree.SubElement(suite, "properties")
        costs = {**{f"cost {k}": v for k, v in self.cost.items()},
                 **{f"minimum {k}": v for k, v in self.minimum.items()}}  # fmt: skip
        for name, value in costs.items():
            ElementTree.SubElement(properties, "property", name=name, value=str(value))
        found = {f.kind: f for f in self.findings}
        for kind in KINDS:
            case = ElementTree.SubElement(suite, "testcase", classname=self.scenario, name=kind)
            if kind in found:
                failure = ElementTree.SubElement(case, "failure", message=found[kind].line())
                failure.text = "\n".join(found[kind].examples)
        return ElementTree.tostring(suite, encoding="unicode")


def check(
    scenario: str,
    holdings: list[Holding],
    truth: dict[str, dict[str, Any]],
    journal: list[dict[str, Any]],
    retry_after: dict[str, float] | None = None,
    minimum: dict[str, Any] | None = None,
) -> Report:
    """`truth`: uuid -> {"status", "title", "contacts"} of every ad; `journal`: the calls the
    consumer made during the run; `retry_after`: fault id -> its Retry-After seconds."""
    findings: list[Finding] = []
    counts = Counter(h.uuid for h in holdings)
    held = {h.uuid: h for h in holdings}
    shown = {u for u, h in held.items() if h.status == "ACTIVE"}
    active = {u for u, t in truth.items() if t["status"] == "ACTIVE"}

    def add(kind: str, items: list[str]) -> None:
        if items:
            findings.append(Finding(kind, len(items), sorted(items)[:20]))

    add("missing", list(active - shown))
    add("gone_but_shown", list(shown - active))
    add("stale", [u for u in shown & active
                  if held[u].title is not None and held[u].title != truth[u]["title"]])  # fmt: skip
    add("contacts_on_inactive", [u for u, h in held.items() if h.contacts and u not in active])
    add("duplicates", [u for u, n in counts.items() if n > 1])
    add("redownloads", _redownloads(journal))
    add("retry_after_ignored", _early_retries(journal, retry_after or {}))
    by_status = Counter(f"{c.get('fake')} {c['status']}" for c in journal)
    received = sum(c.get("bytes", 0) for c in journal)
    cost: dict[str, Any] = {"requests": len(journal), "bytes": received,
                            **dict(sorted(by_status.items()))}  # fmt: skip
    credits = [c for c in journal if c.get("fake") == "parsebot" and c["status"] == 200]
    cost["parsebot credits"] = len(credits)
    return Report(scenario, findings, cost, minimum or {})


def _redownloads(journal: list[dict[str, Any]]) -> list[str]:
    """Feed pages answered 200 again. A feed page never changes once past the tail, and a
    consumer that polls its cursor's page with If-None-Match gets a 304 when it has not: a
    second 200 of one page is a download a correct consumer does not make. A call that took
    a fault, and the call after it on the same page, are a retry's business, not counted."""
    clean: set[tuple[str, str]] = set()
    after_fault: set[tuple[str, str]] = set()
    again = []
    for call in journal:
        if not call["path"].startswith(_FEED_PAGE):
            continue
        key = (call["path"], call["query"])
        if call.get("fault"):
            after_fault.add(key)
            continue
        if call["status"] == 200:
            if key in clean and key not in after_fault:
                again.append(call["path"])
            clean.add(key)
        after_fault.discard(key)
    return again


def _early_retries(journal: list[dict[str, Any]], waits: dict[str, float]) -> list[str]:
    """The same call sent again before the Retry-After of its 429 had passed."""
    until: dict[tuple[str, str, str], float] = {}
    early = []
    for call in journal:
        fake = (call["method"], call["path"], call["query"])
        if fake in until and call.get("at", 0) < until[fake] - 0.05:
            early.append(f"{call['method']} {call['path']}")
        if call["status"] == 429:
            wait = max((waits.get(f, 1.0) for f in (call.get("fault") or "").split(",") if f),
                       default=1.0)  # fmt: skip
            until[fake] = call.get("at", 0) + wait
    return early
