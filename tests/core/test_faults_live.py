"""Transport faults on real servers: werkzeug (the plugin's live fixture) and gunicorn
(`jobfakes serve --faults FILE`, several workers sharing one world and exact counts)."""

from __future__ import annotations

import pytest
import requests

from tests.scaling.servers import serve

FEED = "/api/v1/feed"


def _kinds():
    return [
        ({"kind": "reset"}, requests.ConnectionError),
        ({"kind": "cut", "after_bytes": 200}, requests.exceptions.ChunkedEncodingError),
        (
            {"kind": "cut", "after_bytes": 200, "content_length": "none"},
            requests.exceptions.ChunkedEncodingError,
        ),
    ]


@pytest.mark.parametrize(("fault", "error"), _kinds())
def test_transport_faults_on_the_live_werkzeug_server(navfeed_fake, fault, error):
    fake = navfeed_fake
    fake.admin.add_fault(**fault, count=1)
    with pytest.raises(error):
        requests.get(fake.url(FEED), headers=dict(fake.session.headers), timeout=10)
    answer = requests.get(fake.url(FEED), headers=dict(fake.session.headers), timeout=10)
    assert answer.status_code == 200 and answer.json()["items"]


def test_a_cut_with_a_matching_length_arrives_short_on_a_live_server(navfeed_fake):
    fake = navfeed_fake
    fake.admin.add_fault("cut", after_bytes=150, content_length="cut", count=1)
    headers = {**fake.session.headers, "Accept-Encoding": "identity"}  # bytes of the page
    answer = requests.get(fake.url(FEED), headers=headers, timeout=10)
    assert len(answer.content) == 150 and answer.headers["Content-Length"] == "150"


def test_serve_workers_share_faults_from_a_file_and_count_them_exactly(tmp_path):
    plan = tmp_path / "faults.yaml"
    plan.write_text(
        "- {id: five, kind: status, status: 503, path: '/api/v1/feed*', count: 5}\n"
        "- {id: resets, kind: reset, path: '/api/v1/feedentry/*', count: 3}\n"
        "- {id: cuts, kind: cut, after_bytes: 50, path: '/api/v1/feed/*', count: 2}\n"
    )
    with serve("navfeed", "--ads", "300", "--workers", "2", "--faults", str(plan)) as server:
        token = server.line("navfeed token:")
        auth = {"Authorization": f"Bearer {token}"}
        statuses = [
            requests.get(server.base + FEED, headers=auth, timeout=10).status_code
            for _ in range(30)
        ]
        assert statuses.count(503) == 5 and statuses.count(200) == 25
        page = requests.get(server.base + FEED, headers=auth, timeout=10).json()
        ad = page["items"][0]["id"]
        outcomes = []
        for _ in range(6):
            try:
                requests.get(f"{server.base}/api/v1/feedentry/{ad}", headers=auth, timeout=10)
                outcomes.append("ok")
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                outcomes.append("reset")  # under granian: headers, then a dropped connection
        assert outcomes == ["reset"] * 3 + ["ok"] * 3
        cut = 0
        for _ in range(4):
            try:
                requests.get(server.base + page["next_url"], headers=auth, timeout=10).json()
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError):
                cut += 1  # granian may drop the connection before its headers are flushed
        assert cut == 2
        listing = requests.get(server.base + "/__admin/faults", timeout=10).json()["faults"]
        assert {f["id"]: f["taken"] for f in listing} == {"five": 5, "resets": 3, "cuts": 2}
        journal = requests.get(server.base + "/__admin/requests", timeout=10).json()
        assert sum(r["fault"] == "resets" and r["status"] == 0 for r in journal) == 3
        requests.post(server.base + "/__admin/reset", timeout=60)
        listing = requests.get(server.base + "/__admin/faults", timeout=10).json()["faults"]
        assert [(f["id"], f["taken"]) for f in listing] == [
            ("five", 0), ("resets", 0), ("cuts", 0)]  # fmt: skip


def test_serve_refuses_a_bad_fault_file(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    plan = tmp_path / "faults.yaml"
    plan.write_text("- {kind: status, status: 99}\n")
    done = subprocess.run(
        [Path(sys.executable).parent / "jobfakes", "serve", "--faults", str(plan), "--port", "0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "status must be between 400 and 599" in done.stderr
