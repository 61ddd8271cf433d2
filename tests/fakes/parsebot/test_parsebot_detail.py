"""get_job_detail over HTTP: fields, Norwegian page labels, similar jobs, unknown ads."""

from __future__ import annotations

import pytest

from jobfakes.world.search import plain_text
from tests.fakes.parsebot.parsebot_helpers import active_ads, call, data


def test_detail_projects_the_ad(parsebot_inprocess):
    fake = parsebot_inprocess
    uuid = fake.admin.ads("ACTIVE")[0]["uuid"]
    ad = fake.session.get(fake.url(f"/__admin/ads/{uuid}")).json()
    for method in ("GET", "POST"):
        detail = data(fake, "get_job_detail", method, uuid=uuid)
        assert list(detail) == ["uuid", "metadata", "description", "page_details", "similar_jobs"]
        assert detail["uuid"] == uuid
        meta = detail["metadata"]
        assert meta["title"] == ad["title"]
        assert meta["employer"]["name"] == ad["employer"]["name"]
        assert meta["employer"]["orgnr"] == ad["employer"]["orgnr"]
        assert [loc["municipal"] for loc in meta["locationList"]] == [
            loc["municipal"] for loc in ad["locations"]
        ]
        assert meta["properties"]["engagementtype"] == ad["engagementtype"]
        assert detail["description"] == plain_text(ad["adtext"])
        assert "<" not in detail["description"]
        pages = detail["page_details"]
        assert pages["Stillingstittel"] == ad["jobtitle"]
        assert pages["Type ansettelse"] == ad["engagementtype"]
        assert pages["Sektor"] == ad["sector"]


def test_similar_jobs_share_occupation_and_county(parsebot_inprocess):
    fake = parsebot_inprocess
    truth = active_ads(fake)

    def occupations(ad):
        return {(o["level1"], o["level2"]) for o in ad["occupationCategories"]}

    def counties(ad):
        return {loc["county"] for loc in ad["locations"]}

    checked = 0
    for uuid, ad in list(truth.items())[:60]:
        similar = data(fake, "get_job_detail", uuid=uuid)["similar_jobs"]
        expected = [
            u for u, other in truth.items()
            if u != uuid and occupations(other) & occupations(ad) and counties(other) & counties(ad)
        ]  # fmt: skip
        assert len(similar) == min(5, len(expected))
        for job in similar:
            assert job["uuid"] in expected
            assert job["title"] == truth[job["uuid"]]["title"]
            assert job["url"] == f"https://arbeidsplassen.nav.no/stillinger/stilling/{job['uuid']}"
        checked += bool(similar)
    assert checked > 5


def test_expired_ads_keep_a_detail_but_stopped_ones_do_not(parsebot_inprocess):
    fake = parsebot_inprocess
    first, second = (a["uuid"] for a in fake.admin.ads("ACTIVE")[:2])
    fake.admin.update_ad(first, status="INACTIVE")
    assert data(fake, "get_job_detail", uuid=first)["metadata"]["status"] == "INACTIVE"
    fake.admin.stop_ad(second)
    response = call(fake, "get_job_detail", uuid=second)
    assert response.status_code == 404
    assert response.json()["error"] == {
        "status": "not_found",
        "message": f"No job ad with uuid {second} on arbeidsplassen.no",
        "uuid": second,
    }


@pytest.mark.parametrize(
    ("inputs", "status"),
    [
        ({"uuid": "00000000-0000-4000-8000-000000000000"}, 404),
        ({}, 422),
        ({"uuid": "not-a-uuid"}, 422),
        ({"uuid": "x" * 5000}, 422),
    ],
)
def test_unknown_or_malformed_uuids(parsebot_inprocess, inputs, status):
    for method in ("GET", "POST"):
        assert call(parsebot_inprocess, "get_job_detail", method, **inputs).status_code == status
