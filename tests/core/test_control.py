"""The control plane under /__admin/, over HTTP."""

from __future__ import annotations

import pytest

from jobfakes.world.timeline import daily_rate


def test_health(navfeed_inprocess):
    body = navfeed_inprocess.session.get(navfeed_inprocess.url("/__admin/health")).json()
    assert body["status"] == "ok" and "navfeed" in body["fakes"]


def test_clock_get_set_advance(navfeed_inprocess):
    admin = navfeed_inprocess.admin
    start = admin.clock()
    assert admin.advance("PT6H") > start
    assert admin.set_clock("2025-12-03T00:00:00Z") == "2025-12-03T00:00:00Z"
    admin.reset()
    assert admin.clock() == start


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"now": "yesterday"},
        {"advance": "6 hours"},
        {"advance": "P1M"},
        {"advance": "-PT1H"},
        {"now": "2000-01-01T00:00:00Z"},
        {"now": "2030-01-01", "advance": "PT1H"},
        [],
        "text",
    ],
)
def test_bad_clock_requests_are_json_400(navfeed_inprocess, body):
    response = navfeed_inprocess.session.post(navfeed_inprocess.url("/__admin/clock"), json=body)
    assert response.status_code == 400
    assert response.json()["status"] == 400 and response.json()["message"]


def test_advancing_the_clock_grows_the_feed_at_the_scaled_daily_rate(navfeed_inprocess):
    fake = navfeed_inprocess
    ads = fake.app.extensions["jobfakes"].world.config.ads
    before = len(fake.admin.ads())
    fake.admin.advance("P7D")  # a whole week: busy weekdays and quiet weekends
    grown = len(fake.admin.ads()) - before
    assert 0.8 * 7 * daily_rate(ads) <= grown <= 1.2 * 7 * daily_rate(ads)


def test_ground_truth_filters(navfeed_inprocess):
    admin = navfeed_inprocess.admin
    everything = admin.ads()
    active, inactive = admin.ads("ACTIVE"), admin.ads("INACTIVE")
    assert len(active) + len(inactive) == len(everything) > 500  # 500 ACTIVE, recent expiries
    assert {a["status"] for a in active} == {"ACTIVE"}
    assert list(everything[0]) == ["uuid", "status", "updated", "expires"]
    bad = navfeed_inprocess.session.get(navfeed_inprocess.url("/__admin/ads?status=GONE"))
    assert bad.status_code == 400


def test_create_update_stop_ad(navfeed_inprocess):
    fake = navfeed_inprocess
    created = fake.admin.create_ad(title="Testutvikler", businessName="Test AS")
    entry = fake.session.get(fake.url(f"/api/v1/feedentry/{created['uuid']}")).json()
    assert entry["ad_content"]["title"] == "Testutvikler"
    fake.admin.update_ad(created["uuid"], title="Seniorutvikler", positioncount="3")
    entry = fake.session.get(fake.url(f"/api/v1/feedentry/{created['uuid']}")).json()
    assert entry["ad_content"]["title"] == "Seniorutvikler"
    assert entry["ad_content"]["positioncount"] == "3"
    fake.admin.stop_ad(created["uuid"])
    statuses = {a["uuid"]: a["status"] for a in fake.admin.ads()}
    assert statuses[created["uuid"]] == "INACTIVE"


def test_created_ad_expires_when_the_clock_passes_its_expiry(navfeed_inprocess):
    fake = navfeed_inprocess
    now = fake.admin.clock()
    created = fake.admin.create_ad(expires=now.replace("Z", "+00:00")[:10] + "T23:00:00Z")
    fake.admin.advance("P1D")
    statuses = {a["uuid"]: a["status"] for a in fake.admin.ads()}
    assert statuses[created["uuid"]] == "INACTIVE"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/__admin/ads", {"nonsense": 1}),
        ("POST", "/__admin/ads", {"uuid": "x"}),
        ("POST", "/__admin/ads", {"status": "HAPPY"}),
        ("POST", "/__admin/ads", {"expires": "soon"}),
        ("POST", "/__admin/ads", {"title": 12}),
        ("POST", "/__admin/ads", {"locations": "Oslo"}),
        ("POST", "/__admin/tokens", {"fake": "nope"}),
        ("POST", "/__admin/tokens", {"subject": ""}),
        ("POST", "/__admin/tokens", {"expires": "never"}),
        ("POST", "/__admin/tokens/revoke", {}),
    ],
)
def test_bad_admin_input_is_json_400_and_changes_nothing(navfeed_inprocess, method, path, body):
    fake = navfeed_inprocess
    before = fake.admin.ads()
    response = fake.session.request(method, fake.url(path), json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"]
    assert fake.admin.ads() == before


def test_unknown_ad_is_json_404(navfeed_inprocess):
    fake = navfeed_inprocess
    response = fake.session.post(fake.url("/__admin/ads/nope/stop"))
    assert response.status_code == 404 and "nope" in response.json()["message"]
    response = fake.session.patch(fake.url("/__admin/ads/nope"), json={"title": "x"})
    assert response.status_code == 404


def test_journal_records_and_clears(navfeed_inprocess):
    fake = navfeed_inprocess
    fake.admin.clear_requests()
    fake.session.get(fake.url("/api/v1/feed?pageSize=2"))
    fake.session.get(fake.url("/api/v1/feedentry/nope"))
    journal = fake.admin.requests()
    assert [(r["method"], r["path"], r["status"]) for r in journal] == [
        ("GET", "/api/v1/feed", 200),
        ("GET", "/api/v1/feedentry/nope", 400),
    ]
    assert journal[0]["query"] == "pageSize=2" and journal[0]["fake"] == "navfeed"
    fake.admin.clear_requests()
    assert fake.admin.requests() == []


def test_reset_restores_the_seeded_world(navfeed_inprocess):
    fake = navfeed_inprocess
    before = fake.admin.ads()
    fake.admin.stop_ad(before[0]["uuid"])
    fake.admin.advance("P2D")
    fake.admin.reset()
    assert fake.admin.ads() == before


def test_reset_of_a_world_too_big_to_keep_a_copy_rebuilds_it(monkeypatch, jobfakes_config):
    from dataclasses import replace

    from jobfakes.world import world as world_module
    from tests.conftest import BASE, inprocess

    monkeypatch.setattr(world_module, "SNAPSHOT_LIMIT", 10)
    _, session = inprocess(replace(jobfakes_config, ads=120, seed=4))
    before = session.get(f"{BASE}/__admin/ads").json()
    session.post(f"{BASE}/__admin/ads/{before[0]['uuid']}/stop")
    session.post(f"{BASE}/__admin/clock", json={"advance": "P1D"})
    assert session.get(f"{BASE}/__admin/ads").json() != before
    session.post(f"{BASE}/__admin/reset")
    assert session.get(f"{BASE}/__admin/ads").json() == before
