"""The reference clients survive the network: cut bodies, resets, 5xx, 429, a restarted server.

The first tests reproduce issue 15 as reported: a proxy that cut about 7 % of bodies
mid-stream failed every sync and left the mirror empty, and a server restarted mid-sync
failed first syncs.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from jobfakes.client.mirror import Mirror
from jobfakes.client.navfeed import NavFeedClient
from jobfakes.client.publicfeed import PublicFeedClient
from jobfakes.errors import ClientError
from tests.client.cutting_proxy import cutting_proxy
from tests.scaling.servers import crash, free_port, serve


def _truth(admin):
    return {a["uuid"]: a["status"] for a in admin.ads()}


def _no_contacts_on_inactive(mirror):
    for uuid, status in mirror.statuses().items():
        if status != "ACTIVE":
            assert mirror.content(uuid) is None


@pytest.mark.parametrize("seed", [1, 2])
def test_a_sync_through_a_proxy_that_cuts_7_percent_of_bodies_is_complete(navfeed_fake, seed):
    fake = navfeed_fake
    with cutting_proxy(fake.base_url, share=0.07, seed=seed) as proxy:
        client = NavFeedClient(f"http://127.0.0.1:{proxy['port']}", fake.token, page_size=50)
        client.retry.backoff = 0.001
        mirror = Mirror()
        mirror.sync(client, workers=4)
    assert proxy["cut"] > 0
    assert mirror.statuses() == _truth(fake.admin)
    _no_contacts_on_inactive(mirror)


def test_a_public_feed_harvest_through_a_cutting_proxy_is_complete(publicfeed_fake):
    fake = publicfeed_fake
    with cutting_proxy(fake.base_url, share=0.07, seed=4) as proxy:
        client = PublicFeedClient(f"http://127.0.0.1:{proxy['port']}", page_size=20)
        client.retry.backoff = 0.001
        harvested = client.harvest_all()
    assert proxy["cut"] > 0
    assert {a["uuid"] for a in harvested} == {a["uuid"] for a in fake.admin.ads("ACTIVE")}


class _Dies:
    """A session that fails for good after `after` requests (the network goes away)."""

    def __init__(self, after: int):
        self.left = after

    def __call__(self, send):
        def failing(*args, **kwargs):
            if self.left <= 0:
                raise requests.ConnectionError("the network is gone")
            self.left -= 1
            return send(*args, **kwargs)

        return failing


def test_a_failed_sync_keeps_the_pages_it_had_and_the_next_one_resumes(navfeed_inprocess):
    fake = navfeed_inprocess
    client = NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=40)
    client.retry.attempts, client.retry.backoff = 2, 0.0
    dies = _Dies(after=60)
    send = fake.session.send
    fake.session.send = dies(send)
    mirror = Mirror()
    with pytest.raises(ClientError):
        mirror.sync(client, workers=1)
    kept = mirror.statuses()
    assert kept, "the pages read before the failure are kept"
    assert mirror.cursor.page_id is not None
    fake.session.send = send
    fake.admin.clear_requests()
    mirror.sync(client, workers=1)
    assert mirror.statuses() == _truth(fake.admin)
    pages = [r for r in fake.admin.requests() if r["path"].startswith("/api/v1/feed")]
    assert all(r["path"] != "/api/v1/feed" for r in pages), "resumed from the cursor"


def test_a_sync_survives_the_server_restarting_mid_sync(tmp_path):
    port = free_port()
    args = ("navfeed", "--ads", "800")
    with serve(*args, port=port) as server:
        token = server.line("navfeed token:")
        client = NavFeedClient(server.base, token, page_size=20)
        client.retry.attempts, client.retry.max_backoff = 40, 1.0  # rides out ~30 s
        truth = _truth_of(server.base)
        mirror = Mirror(str(tmp_path / "mirror.sqlite"))
        done: list[BaseException | None] = []

        def run() -> None:
            try:
                mirror.sync(client, workers=4)
                done.append(None)
            except BaseException as error:  # handed to the test below
                done.append(error)

        worker = threading.Thread(target=run)
        worker.start()
        while not Mirror(str(tmp_path / "mirror.sqlite")).statuses():
            time.sleep(0.01)
        crash(server.process)
        with serve(*args, port=port):
            worker.join(timeout=120)
    assert done == [None]
    assert Mirror(str(tmp_path / "mirror.sqlite")).statuses() == truth


def _truth_of(base):
    answer = requests.get(base + "/__admin/ads", timeout=30).json()
    return {a["uuid"]: a["status"] for a in answer}


PLAN = [
    {"kind": "cut", "after_bytes": 300, "probability": 0.05},
    {"kind": "cut", "after_bytes": 300, "content_length": "cut", "probability": 0.03},
    {"kind": "reset", "probability": 0.04},
    {"kind": "malformed", "probability": 0.02},
    {"kind": "status", "status": 503, "probability": 0.03},
    {"kind": "status", "status": 429, "retry_after": 0, "probability": 0.03},
    {"kind": "status", "status": 404, "path": "/api/v1/feed/*", "probability": 0.02},
]


@pytest.mark.jobfakes(faults=PLAN)
def test_a_mirror_sync_under_injected_faults_equals_the_ground_truth(navfeed_inprocess):
    fake = navfeed_inprocess
    client = NavFeedClient(fake.base_url, fake.token, session=fake.session, page_size=30)
    client.retry.sleep = lambda seconds: None
    mirror = Mirror()
    mirror.sync(client, workers=4)
    assert sum(f["taken"] for f in fake.admin.faults()) > 10
    assert mirror.statuses() == _truth(fake.admin)
    _no_contacts_on_inactive(mirror)
    assert client.retry.retries >= sum(f["taken"] for f in fake.admin.faults())


@pytest.mark.jobfakes(faults=PLAN[:6])
def test_a_public_feed_harvest_under_injected_faults_is_complete(publicfeed_inprocess):
    fake = publicfeed_inprocess
    client = PublicFeedClient(fake.base_url, session=fake.session, page_size=25)
    client.retry.sleep = lambda seconds: None
    harvested = client.harvest_all()
    assert sum(f["taken"] for f in fake.admin.faults()) > 0
    assert sorted(a["uuid"] for a in harvested) == sorted(
        a["uuid"] for a in fake.admin.ads("ACTIVE")
    )


@pytest.mark.jobfakes(faults=PLAN[:6])
def test_a_parsebot_paging_under_injected_faults_reads_every_hit_once(parsebot_inprocess):
    from jobfakes.client.parsebot import ParseBotClient

    fake = parsebot_inprocess
    key = fake.session.headers["X-API-Key"]
    client = ParseBotClient(fake.base_url, key, tier="developer", session=fake.session,
                            sleep=lambda s: None)  # fmt: skip
    faulted = [hit["_id"] for hit in client.iter_search(size=20, sort="published")]
    assert sum(f["taken"] for f in fake.admin.faults()) > 0
    fake.admin.clear_faults()
    clean = [hit["_id"] for hit in client.iter_search(size=20, sort="published")]
    assert faulted == clean and len(set(clean)) == len(clean) > 100
