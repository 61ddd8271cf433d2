"""The embedded default world holds exactly what a fresh build gives, now and as time moves."""

from __future__ import annotations

from jobfakes.core.config import Config
from jobfakes.world import world as world_module
from jobfakes.world.image import image_path
from jobfakes.world.world import embedded
from tests.conftest import BASE, inprocess, walk


def _story(config: Config) -> list[bytes]:
    """The ground truth and the whole feed at the start, and again two days later."""
    _, session = inprocess(config)
    seen = []
    for _ in range(2):
        seen.append(session.get(f"{BASE}/__admin/ads").content)
        seen.append(repr(walk(session, BASE, page_size=10_000)).encode())
        assert session.post(f"{BASE}/__admin/clock", json={"advance": "P2D"}).status_code == 200
    return seen


def test_embedded_image_equals_a_fresh_build(monkeypatch):
    assert image_path().exists()
    used = []
    monkeypatch.setattr(world_module, "embedded", lambda c: used.append(embedded(c)) or used[-1])
    loaded = _story(Config())
    assert used and used[0] is not None  # the default world came from the image
    monkeypatch.setattr(world_module, "embedded", lambda config: None)
    built = _story(Config())
    assert loaded == built
    assert len(loaded[0]) > 100_000  # 5000 ads, not an empty world


def test_image_world_in_a_file_resets_to_its_start(tmp_path):
    _, session = inprocess(Config(db=str(tmp_path / "world.sqlite")))
    before = session.get(f"{BASE}/__admin/ads").content
    uuid = session.get(f"{BASE}/__admin/ads", params={"status": "ACTIVE"}).json()[0]["uuid"]
    assert session.post(f"{BASE}/__admin/ads/{uuid}/stop").status_code == 200
    assert session.get(f"{BASE}/__admin/ads").content != before
    assert session.post(f"{BASE}/__admin/reset").status_code == 200
    assert session.get(f"{BASE}/__admin/ads").content == before
