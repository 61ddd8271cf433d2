"""The control plane cannot be driven by a web page or a stranger (a live server, so that
Host, Origin and content types are what a browser would send)."""

from __future__ import annotations

import pytest
import requests

from tests.scaling.servers import serve


@pytest.fixture(scope="module")
def server():
    with serve("navfeed", "--ads", "100", "--allow-host", "jobfakes.internal") as running:
        yield running


def _post(server, path="/__admin/reset", **kwargs):
    return requests.post(server.base + path, timeout=30, **kwargs)


def test_a_cross_site_text_plain_post_cannot_reset_or_move_the_clock(server):
    before = requests.get(server.base + "/__admin/clock").json()["now"]
    for headers in (
        {"Origin": "http://evil.example", "Content-Type": "text/plain"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/x-www-form-urlencoded"},
    ):
        response = _post(server, "/__admin/clock", data='{"advance": "P1D"}', headers=headers)
        assert response.status_code == 403, headers
        assert response.json()["error"] == "Forbidden"
        assert response.json()["message"]
    assert requests.get(server.base + "/__admin/clock").json()["now"] == before
    moved = _post(server, "/__admin/clock", json={"advance": "PT1M"})
    assert moved.status_code == 200  # the same write as JSON from the same origin works
    same_origin = {"Origin": server.base, "Sec-Fetch-Site": "same-origin"}
    assert _post(server, "/__admin/reset", headers=same_origin).status_code == 200


def test_a_rebound_host_name_cannot_read_the_control_plane(server):
    response = requests.get(server.base + "/__admin/ads", headers={"Host": "attacker.example"})
    assert response.status_code == 403
    assert "attacker.example" in response.json()["message"]
    for host in ("localhost", "127.0.0.1", "jobfakes.internal"):
        assert requests.get(server.base + "/__admin/health", headers={"Host": host}).ok
    # the fakes' own APIs stay reachable under any name, as the real services are
    assert (
        requests.get(server.base + "/api/v1/feed", headers={"Host": "x.example"}).status_code == 401
    )


def test_an_admin_token_protects_the_control_plane_and_listings_show_no_secret():
    args = ("parsebot", "jobfeed", "--ads", "100", "--jobs", "100", "--admin-token", "s3cret")
    with serve(*args) as s:
        assert requests.get(s.base + "/__admin/clock").status_code == 401
        assert requests.post(s.base + "/__admin/reset").status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert requests.get(s.base + "/__admin/clock", headers=wrong).status_code == 401
        assert requests.get(s.base + "/__admin/health").ok  # for health probes
        admin = {"Authorization": "Bearer s3cret"}
        # with the token, another host name may drive it (the container case)
        assert requests.get(s.base + "/__admin/clock", headers={**admin, "Host": "jf"}).ok
        keys = requests.get(s.base + "/__admin/parsebot/keys", headers=admin).json()
        accounts = requests.get(s.base + "/__admin/jobfeed/accounts", headers=admin).json()
        key = s.line("parsebot key (developer): ")
        assert keys and all(k["fingerprint"].startswith("sha256:") for k in keys)
        assert key not in str(keys)
        assert accounts and "jobfeed" not in [a.get("password") for a in accounts]
        assert all("password" not in a for a in accounts)


def test_serving_off_loopback_makes_and_prints_an_admin_token():
    with serve("navfeed", "--ads", "100", "--host", "0.0.0.0") as s:
        token = s.line("control plane admin token: ")
        assert requests.get(s.base + "/__admin/clock").status_code == 401
        admin = {"Authorization": f"Bearer {token}"}
        assert requests.get(s.base + "/__admin/clock", headers=admin).ok
