"""Two processes' worth of apps on one world file (as gunicorn workers): each one's search
index follows changes and resets made through the other."""

from __future__ import annotations

from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from tests.fakes.parsebot.parsebot_helpers import PATH


def _search(client, key, q):
    response = client.get(f"{PATH}/search_jobs", query_string={"q": q}, headers={"X-API-Key": key})
    assert response.status_code == 200, response.text
    return [h["_id"] for h in response.get_json()["data"]["hits"]["hits"]]


def test_an_index_follows_another_apps_changes_and_reset(tmp_path):
    config = Config(ads=120, db=str(tmp_path / "world.sqlite"), parsebot_keys=("k:developer",))
    one, two = create_app(config).test_client(), create_app(config).test_client()
    assert _search(two, "k", "Fyrvokter") == []  # the index of `two` is built now
    created = one.post("/__admin/ads", json={"title": "Fyrvokter Zyxwv"}).get_json()
    assert _search(two, "k", "zyxwv") == [created["uuid"]]
    one.patch(f"/__admin/ads/{created['uuid']}", json={"title": "Losbåtfører"})
    assert _search(two, "k", "zyxwv") == []
    assert _search(two, "k", "losbåtfører") == [created["uuid"]]
    one.post("/__admin/reset")
    assert _search(two, "k", "losbåtfører") == []
