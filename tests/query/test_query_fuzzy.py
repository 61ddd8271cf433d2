"""Bare `term~` follows Elasticsearch's `query_string` default fuzziness, AUTO: no edit for
terms of 1-2 characters, one for 3-5, two for longer ones (over HTTP, against the oracle)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jobfeed_oracle import osa_distance
from query_world import jobfeed_fixture, sample  # noqa: F401


def auto_edits(term: str) -> int:
    """Elasticsearch's `AUTO` (= `AUTO:3,6`), written out from its documentation."""
    return 0 if len(term) < 3 else 1 if len(term) < 6 else 2


def jobs_with_a_term_near(jobfeed, term: str, edits: int) -> set[str]:
    near = {t for t in jobfeed.oracle.vocabulary if osa_distance(term, t) <= edits}
    return jobfeed.expected([("full_text", " OR ".join(sorted(near)[:50]) or "zzzzqqq")])


def test_kok_allows_one_edit_not_two(jobfeed):
    """`kok~` matched 19,048 of 20,000 jobs with two edits; AUTO gives three letters one."""
    found = jobfeed.job_ids([("full_text", "kok~")])
    assert found == jobfeed.expected([("full_text", "kok~")])
    two = {t for t in jobfeed.oracle.vocabulary if osa_distance("kok", t) <= 2}
    one = {t for t in two if osa_distance("kok", t) <= 1}
    assert len(found) < len(jobfeed.oracle.jobs) / 2
    if len(one) < len(two) <= 50:
        assert found < jobs_with_a_term_near(jobfeed, "kok", 2)


def test_terms_of_one_or_two_characters_match_exactly(jobfeed):
    short = sample(jobfeed, "SELECT term FROM postings_vocab WHERE length(term) = 2 "
                            "ORDER BY doc DESC LIMIT 3")  # fmt: skip
    assert short
    for term in short:
        assert jobfeed.job_ids([("full_text", f"{term}~")]) == jobfeed.job_ids(
            [("full_text", term)]
        )


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_bare_fuzzy_terms_allow_the_auto_number_of_edits(jobfeed, data):
    words = sample(jobfeed, "SELECT term FROM postings_vocab WHERE term GLOB '[a-z]*' "
                            "ORDER BY doc DESC LIMIT 200")  # fmt: skip
    word = data.draw(st.sampled_from(words))
    length = data.draw(st.integers(1, min(8, len(word))))
    twist = data.draw(st.sampled_from(["", "x", "swap"]))
    term = word[:length]
    if twist == "x":
        term = term[:-1] + "x" if len(term) > 1 else "x"
    elif twist == "swap" and len(term) > 2:
        term = term[:-2] + term[-1] + term[-2]
    found = jobfeed.job_ids([("full_text", f"{term}~")])
    assert found == jobfeed.expected([("full_text", f"{term}~")]), term
    near = {t for t in jobfeed.oracle.vocabulary if osa_distance(term, t) <= auto_edits(term)}
    if len(near) <= 50:  # under Elasticsearch's max_expansions the expansion is all of them
        assert found == jobs_with_a_term_near(jobfeed, term, auto_edits(term)), term
