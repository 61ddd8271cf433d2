"""Contract checks: schemathesis against any base URL, and recorded answers checked offline.

`run_live` generates requests from an API's OpenAPI contract and validates the answers of any
server (a fake, a replayed cassette, the real service). `check_cassette` validates every
recorded response against the operation it belongs to, without network: a recording of the real
service is how drift shows up. The checks a contract leaves out on purpose (behaviour of the
real service that the generic checks would flag) are listed in the contract itself under
`x-jobfakes-excluded-checks`, so the test suite and the CLI share them.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jobfakes.recording.cassette import Interaction


@dataclass(frozen=True)
class Mismatch:
    """One way a server or a recording disagrees with a contract."""

    endpoint: str
    check: str
    detail: str
    example: str  # the request, as a curl command or as recorded

    @property
    def first_line(self) -> str:
        lines = [line.strip() for line in self.detail.splitlines() if line.strip()]
        return (lines[0] if lines else "")[:240]

    def short(self) -> str:
        return f"{self.endpoint}: {self.check}: {self.first_line}\n    example: {self.example}"


def contract_file(name: str) -> str:
    """The contract file of a registered fake."""
    from jobfakes import contracts
    from jobfakes.core import registry

    return str(contracts.path(registry.spec(name).contract))


def load_schema(name: str) -> Any:
    import schemathesis

    return schemathesis.openapi.from_path(contract_file(name))


def excluded_checks(name: str) -> list[Callable[..., Any]]:
    """The schemathesis checks this API's contract opts out of (`x-jobfakes-excluded-checks`)."""
    from schemathesis.specs.openapi import checks

    from jobfakes import contracts
    from jobfakes.core import registry

    names = contracts.load(registry.spec(name).contract).get("x-jobfakes-excluded-checks") or []
    return [getattr(checks, check) for check in names]


def auth_headers(
    token: str | None = None,
    api_key: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> dict[str, str]:
    """Credentials as headers: Bearer token, X-API-Key, or Basic user:password."""
    if token:
        return {"Authorization": f"Bearer {token}"}
    if api_key:
        return {"X-API-Key": api_key}
    if user is not None:
        pair = f"{user}:{password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    return {}


def unreachable(base_url: str) -> str | None:
    """Why a server cannot be checked at all (no connection), or None when it answers."""
    import requests

    try:
        requests.get(base_url, timeout=30, allow_redirects=False).close()
    except requests.RequestException as error:
        return f"cannot reach {base_url}: {type(error).__name__}: {error}"
    return None


def _failure_text(error: BaseException) -> tuple[str, str]:
    """(check names, detail) of a schemathesis failure, however it is grouped."""
    failures = getattr(error, "exceptions", None) or [error]
    names, details = [], []
    for failure in failures:
        title = getattr(failure, "title", None) or type(failure).__name__
        names.append(str(title))
        message = getattr(failure, "message", None) or str(failure)
        details.append(str(message))
    return ", ".join(dict.fromkeys(names)), " | ".join(details)


def run_live(
    name: str,
    base_url: str,
    headers: dict[str, str] | None = None,
    max_examples: int = 25,
    seed: int | None = None,
    statuses: list[int] | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> tuple[list[Mismatch], list[tuple[str, int]]]:
    """Run the contract of fake `name` against `base_url`; mismatches and examples per endpoint.
    `statuses` collects the status of every answer (a run answered by 429s checked nothing);
    `progress` hears of each endpoint done."""
    import requests
    from hypothesis import seed as hypothesis_seed

    schema = load_schema(name)
    excluded = excluded_checks(name)
    session = requests.Session()
    session.trust_env = False
    if statuses is not None:
        session.hooks["response"].append(
            lambda response, *_, **__: statuses.append(response.status_code)
        )
    mismatches: list[Mismatch] = []
    counts: list[tuple[str, int]] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for done, operation in enumerate(operations, 1):
        seen: list[Any] = []
        test = _probe(operation, seen, max_examples, session, base_url, headers, excluded)
        if seed is not None:
            test = hypothesis_seed(seed)(test)
        try:
            test()
        except (Exception, BaseExceptionGroup) as error:  # a check failed, or no answer
            check, detail = _failure_text(error)
            example = _curl(seen[-1], base_url, headers) if seen else "(no request made)"
            mismatches.append(Mismatch(operation.label, check, detail, example))
        counts.append((operation.label, len(seen)))
        if progress:
            progress(f"contract {name}: endpoints checked", done, len(operations))
    session.close()
    return mismatches, counts


def rate_limited(statuses: list[int]) -> str | None:
    """Why a live run proves little: most answers were 429 (the checks saw no real bodies)."""
    limited = statuses.count(429)
    if statuses and limited * 4 > len(statuses):
        return (
            f"{limited} of {len(statuses)} answers were 429 Too Many Requests, so the contract "
            "was hardly checked; use credentials without a rate limit (for the Jobfeed fake, "
            'POST /__admin/jobfeed/accounts {"user", "password", "limits": null}) or fewer '
            "--max-examples"
        )
    return None


def _probe(
    operation: Any,
    seen: list[Any],
    max_examples: int,
    session: Any,
    base_url: str,
    headers: dict[str, str] | None,
    excluded: list[Callable[..., Any]],
) -> Callable[[], None]:
    """A Hypothesis test of one operation that keeps the cases it tried in `seen`."""
    from hypothesis import HealthCheck, Verbosity, given, settings

    @settings(
        max_examples=max_examples,
        verbosity=Verbosity.quiet,  # the report says what failed; no reproduction blobs
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def test(case: Any) -> None:
        seen.append(case)
        case.call_and_validate(
            base_url=base_url, session=session, headers=headers, excluded_checks=excluded
        )

    result: Callable[[], None] = test
    return result


def _curl(case: Any, base_url: str, headers: dict[str, str] | None) -> str:
    try:
        text: str = case.as_curl_command(headers=_masked(headers), base_url=base_url)
    except Exception:  # as a fallback the bare request line is enough to reproduce
        return f"{case.method} {case.formatted_path} {case.query or ''}"
    return text


def _masked(headers: dict[str, str] | None) -> dict[str, str]:
    """Headers for a report: credentials are not printed."""
    out = {}
    for key, value in (headers or {}).items():
        scheme = value.split(" ", 1)[0] if " " in value else ""
        out[key] = (
            f"{scheme} ***".strip() if key.lower() in ("authorization", "x-api-key") else value
        )
    return out


def check_cassette(name: str, interactions: Iterable[Interaction]) -> tuple[list[Mismatch], int]:
    """Check each recorded response against the contract; mismatches and responses checked."""
    import requests
    from schemathesis.core.transport import Response

    schema = load_schema(name)
    excluded = excluded_checks(name)
    mismatches: list[Mismatch] = []
    checked = 0
    for item in interactions:
        example = f"{item.method} {item.uri} -> {item.status}"
        path = urlsplit(item.uri).path or "/"
        operation = schema.find_operation_by_path(item.method, path)
        if operation is None:
            mismatches.append(
                Mismatch(
                    f"{item.method} {path}", "operation_exists", "not in the contract", example
                )
            )
            continue
        checked += 1
        prepared = requests.Request(
            item.method, item.uri, headers=_first(item.request_headers)
        ).prepare()
        response = Response(
            status_code=item.status,
            headers={k.lower(): vs for k, vs in item.headers.items()},
            content=item.body,
            request=prepared,
            elapsed=0.0,
            verify=True,
            message=item.message,
        )
        case = operation.Case(
            query=dict(parse_qsl(urlsplit(item.uri).query, keep_blank_values=True)),
            path_parameters=_path_parameters(operation.path, path),
            headers=_first(item.request_headers),
        )
        try:
            case.validate_response(response, excluded_checks=excluded + _request_checks())
        except (Exception, BaseExceptionGroup) as error:
            check, detail = _failure_text(error)
            mismatches.append(Mismatch(operation.label, check, detail, example))
    return mismatches, checked


def _request_checks() -> list[Callable[..., Any]]:
    """Checks about what the server did with a generated request; meaningless for a recording."""
    from schemathesis.specs.openapi import checks

    names = (
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
        "missing_required_header",
        "ignored_auth",
        "use_after_free",
        "ensure_resource_availability",
    )
    return [getattr(checks, n) for n in names if hasattr(checks, n)]


def _first(headers: dict[str, list[str]]) -> dict[str, str]:
    return {k: vs[0] for k, vs in headers.items() if vs}


def _path_parameters(template: str, path: str) -> dict[str, str]:
    result = {}
    for part, value in zip(template.split("/"), path.split("/"), strict=False):
        if part.startswith("{") and part.endswith("}"):
            result[part[1:-1]] = value
    return result


def junit(
    path: str | os.PathLike[str],
    name: str,
    mismatches: list[Mismatch],
    counts: list[tuple[str, int]],
    key: Callable[[Mismatch], str] = lambda m: m.endpoint,
) -> None:
    """A JUnit XML report: one test case per endpoint (or recording), a failure per mismatch."""
    from xml.etree import ElementTree as ET

    failed = {key(m): m for m in mismatches}
    endpoints = [label for label, _ in counts] or sorted(failed)
    suite = ET.Element(
        "testsuite",
        name=f"jobfakes contract {name}",
        tests=str(len(endpoints)),
        failures=str(len(failed)),
    )
    for label in endpoints:
        case = ET.SubElement(suite, "testcase", classname=f"contract.{name}", name=label)
        if label in failed:
            mismatch = failed[label]
            element = ET.SubElement(
                case, "failure", message=f"{mismatch.check}: {mismatch.first_line}"
            )
            element.text = mismatch.short()
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(os.fspath(path), encoding="utf-8", xml_declaration=True)
