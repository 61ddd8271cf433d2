"""The Dutch world: deterministic, real places, the code tables, served as ground truth."""

from __future__ import annotations

from datetime import date

import orjson

from jobfakes.core.config import Config
from jobfakes.world.jobfeed.fields import CATALOGUE, JOB_FIELDS, POSTING_FIELDS
from jobfakes.world.jobfeed.vocab import dutch_vocabulary
from jobfakes.world.jobfeed.world import DutchWorld, DutchWorldConfig


def _lines(world: DutchWorld) -> list[bytes]:
    return list(world.store.ground_truth())


def test_same_seed_same_world_other_seed_other_world():
    a = DutchWorld(DutchWorldConfig(seed=3, jobs=300, today=date(2025, 6, 1)))
    b = DutchWorld(DutchWorldConfig(seed=3, jobs=300, today=date(2025, 6, 1)))
    c = DutchWorld(DutchWorldConfig(seed=4, jobs=300, today=date(2025, 6, 1)))
    assert _lines(a) == _lines(b)
    assert _lines(a) != _lines(c)
    assert a.counts()[0] == 300


def test_world_dates_are_relative_to_its_day():
    world = DutchWorld(DutchWorldConfig(jobs=400, today=date(2030, 1, 15)))
    jobs = [orjson.loads(line) for line in _lines(world)]
    assert max(j["date"] for j in jobs) <= "2030-01-15"
    assert min(j["date"] for j in jobs) >= "2028-01-01"
    active = [j for j in jobs if j["expiration_date"] is None]
    assert active and all(not j["expired"] for j in active)
    for job in jobs:
        for posting in job["postings"]:
            if posting["expiration_date"] is not None:
                assert posting["date"] <= posting["expiration_date"] <= "2030-01-15"


def test_ground_truth_has_every_field_at_its_levels():
    world = DutchWorld(DutchWorldConfig(jobs=50))
    job = orjson.loads(_lines(world)[0])
    assert set(job) == {*JOB_FIELDS, "postings"}
    assert set(job["postings"][0]) == set(POSTING_FIELDS)


def test_places_are_real_and_coded_by_postcode():
    vocab = dutch_vocabulary()
    by_name = {p.name: p for p in vocab.places}
    assert by_name["Amsterdam"].code == 1000 and by_name["Utrecht"].code == 3500
    assert 52.3 < by_name["Amsterdam"].lat < 52.4 and 4.8 < by_name["Amsterdam"].lon < 5.0
    # a 4-digit postcode, or 10000 + the CBS code where our data lacks the postcode
    assert all(1000 <= p.code <= 9999 or 10_000 < p.code < 12_000 for p in vocab.places)
    assert by_name["Terschelling"].code == 10_093  # CBS municipality 0093
    assert CATALOGUE["location"].labels is not None
    assert CATALOGUE["location"].labels["nl"][1000] == "Amsterdam"


def test_code_tables_keep_mbo_nine_and_have_dutch_and_english_labels():
    labels = CATALOGUE["education_level"].labels
    assert labels is not None
    assert labels["nl"][9] == "MBO"
    assert set(labels["nl"]) == set(labels["en"])
    assert labels["de"][9] == "MBO"  # falls back to Dutch
    professions = CATALOGUE["profession"].labels
    assert professions is not None and professions["en"][696] == "Java developer"


def test_jobs_setting_sizes_the_served_world(jobfeed_inprocess):
    config: Config = jobfeed_inprocess.app.extensions["jobfakes"].config
    response = jobfeed_inprocess.session.get(jobfeed_inprocess.url("/__admin/jobs"))
    assert len(response.content.splitlines()) == config.jobs


def test_pooled_generation_makes_the_same_world(monkeypatch):
    import jobfakes.world.jobfeed.world as module

    serial = DutchWorld(DutchWorldConfig(seed=5, jobs=2500))
    monkeypatch.setattr(module, "PARALLEL_FROM", 1000)
    pooled = DutchWorld(DutchWorldConfig(seed=5, jobs=2500))
    assert _lines(pooled) == _lines(serial)


def test_the_build_reports_each_chunk_to_its_progress_callback():
    heard: list[tuple[str, int, int | None]] = []
    world = DutchWorld(DutchWorldConfig(jobs=300), lambda *step: heard.append(step))
    assert world.counts()[0] == 300
    assert heard and heard[-1][1] == heard[-1][2]  # the last chunk: done == total
