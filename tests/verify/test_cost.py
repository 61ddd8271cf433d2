"""The cost in the verify report: the bytes the consumer received (the journal's `bytes` of
each answer) and the fewest requests a correct consumer needs, beside what it made."""

from __future__ import annotations

from xml.etree import ElementTree

from tests.verify.consumers import FullHarvest, NoConditional, Reference

FACTOR = 1.5  # the reference client makes at most this many times the minimum (docs/verify.md)


def test_the_journal_records_the_bytes_of_each_answer(navfeed_inprocess):
    fake = navfeed_inprocess
    fake.admin.clear_requests()
    page = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 7},
                            headers={"Accept-Encoding": "identity"})  # fmt: skip
    zipped = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 50},
                              headers={"Accept-Encoding": "gzip"}, stream=True)  # fmt: skip
    on_wire = len(zipped.raw.read(decode_content=False))
    again = fake.session.get(fake.url("/api/v1/feed"), params={"pageSize": 7},
                             headers={"If-None-Match": page.headers["ETag"]})  # fmt: skip
    assert page.status_code == 200 and again.status_code == 304
    assert zipped.headers["Content-Encoding"] == "gzip"
    logged = [e["bytes"] for e in fake.admin.requests(path="/api/v1/feed")]
    assert logged == [len(page.content), on_wire, 0]


def test_a_cut_body_counts_only_the_bytes_sent(navfeed_inprocess):
    fake = navfeed_inprocess
    fake.admin.clear_requests()
    fake.admin.add_fault("cut", path="/api/v1/feed", after_bytes=100, content_length="cut")
    answer = fake.session.get(fake.url("/api/v1/feed"), headers={"Accept-Encoding": "identity"})
    assert len(answer.content) == 100
    assert [e["bytes"] for e in fake.admin.requests(path="/api/v1/feed")] == [100]


def test_the_reference_client_costs_at_least_the_minimum_and_within_the_factor(navfeed_inprocess):
    fake = navfeed_inprocess
    consumer = Reference(fake, fake.token)
    report = fake.admin.verify("stop-storm", consumer, consumer.rows)
    assert report.ok, report.text()
    assert report.minimum["fake"] == "navfeed"
    journal = fake.admin.requests()
    assert report.cost["bytes"] == sum(e["bytes"] for e in journal) > 0
    assert report.minimum["requests"] <= report.cost["requests"], report.text()
    assert report.cost["requests"] <= FACTOR * report.minimum["requests"], report.text()
    assert f"requests {report.minimum['requests']}" in report.text()
    assert f"{report.ratio}x" in report.html()
    suite = ElementTree.fromstring(report.junit())
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["cost bytes"] == str(report.cost["bytes"])
    assert properties["minimum requests"] == str(report.minimum["requests"])


def test_a_consumer_that_redownloads_costs_more_than_the_reference(navfeed_inprocess):
    fake = navfeed_inprocess
    reference = Reference(fake, fake.token)
    good = fake.admin.verify("stop-storm", reference, reference.rows)
    fake.admin.reset()
    naive = NoConditional(fake)
    bad = fake.admin.verify("stop-storm", naive, naive.rows)
    assert good.ok and not bad.ok
    assert bad.minimum["requests"] == good.minimum["requests"]  # same world, same scenario
    assert bad.ratio > FACTOR >= good.ratio, (good.text(), bad.text())
    assert bad.cost["bytes"] > good.cost["bytes"]


def test_a_public_feed_harvest_has_its_minimum_too(publicfeed_inprocess):
    fake = publicfeed_inprocess
    consumer = FullHarvest(fake, sleep=lambda seconds: None)
    report = fake.admin.verify("cap-pressure", consumer, consumer.rows)
    assert report.minimum["fake"] == "publicfeed"
    assert 0 < report.minimum["requests"] <= report.cost["requests"], report.text()
