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

    def requests(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/requests")
        return result

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def mint_token(
        self, fake: str, subject: str = "test@example.com", expires: str | None = None
    ) -> str:
        body = {"fake": fake, "subject": subject, **({"expires": expires} if expires else {})}
        return str(self._call("POST", "/tokens", json=body)["token"])

    def revoke_token(self, fake: str, token: str) -> None:
        self._call("POST", "/tokens/revoke", json={"fake": fake, "token": token})
