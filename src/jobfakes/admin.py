"""The control plane (`/__admin/`) of a fake server, over HTTP: what the pytest fixtures and
`jobfakes.mock` hand a test as `admin`."""

from __future__ import annotations

from typing import Any

import requests

from jobfakes.errors import JobFakesError


class AdminError(JobFakesError, requests.HTTPError):
    """A control-plane call the fake refused; carries the fake's own JSON message."""

    def __init__(self, method: str, path: str, response: requests.Response):
        try:
            body = response.json()
            message = body.get("message") or body.get("error") or response.text
        except ValueError:
            message = response.text[:500]
        super().__init__(
            f"{method} /__admin{path} -> {response.status_code}: {message}", response=response
        )
        self.status, self.message = response.status_code, str(message)


class Admin:
    """The control plane of one fake server, over HTTP."""

    def __init__(self, session: requests.Session, base_url: str):
        self.session, self.url = session, base_url + "/__admin"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, self.url + path, timeout=120, **kwargs)
        if response.status_code >= 400:
            raise AdminError(method, path, response)
        return response.json()

    def reset(self) -> None:
        self._call("POST", "/reset")

    def clock(self) -> str:
        return str(self._call("GET", "/clock")["now"])

    def set_clock(self, now: str) -> str:
        return str(self._call("POST", "/clock", json={"now": now})["now"])

    def advance(self, duration: str) -> str:
        return str(self._call("POST", "/clock", json={"advance": duration})["now"])

    def ads(self, status: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call(
            "GET", "/ads", params={"status": status} if status else None
        )
        return result

    def create_ad(self, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/ads", json=fields)
        return result

    def update_ad(self, uuid: str, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("PATCH", f"/ads/{uuid}", json=fields)
        return result

    def stop_ad(self, uuid: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"/ads/{uuid}/stop")
        return result

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """The journal, oldest first; filters (`fake`, `method`, `path` pattern, `status`,
        `since` instant, `fault` id) as in `jobfakes.calls.select`."""
        from jobfakes.calls import select

        result: list[dict[str, Any]] = self._call("GET", "/requests")
        return select(result, **filters) if filters else result

    def assert_called(
        self, path: str, times: int | None = None, **filters: Any
    ) -> list[dict[str, Any]]:
        """The calls to `path` (a pattern), asserting there were `times` (or at least one);
        the failure lists the nearest calls seen."""
        from jobfakes.calls import check_called

        return check_called(self.requests(), path, times, **filters)

    def assert_not_called(self, path: str, **filters: Any) -> None:
        from jobfakes.calls import check_not_called

        check_not_called(self.requests(), path, **filters)

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def mint_token(
        self, fake: str, subject: str = "test@example.com", expires: str | None = None
    ) -> str:
        body = {"fake": fake, "subject": subject, **({"expires": expires} if expires else {})}
        return str(self._call("POST", "/tokens", json=body)["token"])

    def revoke_token(self, fake: str, token: str) -> None:
        self._call("POST", "/tokens/revoke", json={"fake": fake, "token": token})

    # ---- faults (core/faults.py) ----------------------------------------------------------
    def faults(self) -> list[dict[str, Any]]:
        """The installed faults, each with its `matched` and `taken` counts."""
        result: list[dict[str, Any]] = self._call("GET", "/faults")["faults"]
        return result

    def add_fault(self, kind: str, **spec: Any) -> dict[str, Any]:
        """Install one fault: `admin.add_fault("status", status=503, path="/api/v1/feed*",
        count=2)`; returns it as installed (with its id)."""
        return self.add_faults([{"kind": kind, **spec}])[0]

    def add_faults(self, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("POST", "/faults", json=specs)["faults"]
        return result

    def remove_fault(self, ident: str) -> None:
        self._call("DELETE", f"/faults/{ident}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def run_scenario(
        self, source: str, on_sync: Any = None, tokens: dict[str, str] | None = None
    ) -> Any:
        """Run a scenario (a file, or a shipped name) on this fake's world; `on_sync(n)` runs
        the consumer at each sync step. Returns the run's log (`jobfakes.scenario.RunLog`)."""
        from jobfakes.scenario import Control, load, run

        control = Control(self.url[: -len("/__admin")], self.session)
        return run(load(source), control, on_sync=on_sync, tokens=tokens)

    def verify(
        self,
        scenario: str,
        consumer: Any,
        export: Any,
        tokens: dict[str, str] | None = None,
        on_token: Any = None,
        api: str | None = None,
    ) -> Any:
        """Run `scenario` with `consumer(n)` at each sync step and check `export` (a file, or
        a callable returning rows) against the ground truth of `api` (navfeed, publicfeed,
        parsebot, jobfeed; by default the scenario's): a `jobfakes.verify.Report`."""
        from jobfakes.scenario import Control
        from jobfakes.verify import verify

        control = Control(self.url[: -len("/__admin")], self.session)
        return verify(
            scenario, control, consumer, export, tokens=tokens, on_token=on_token, api=api
        )

    def fault(self, ident: str) -> dict[str, Any]:
        """One installed fault with its counts; KeyError when there is none."""
        for item in self.faults():
            if item["id"] == ident:
                return item
        raise KeyError(ident)
