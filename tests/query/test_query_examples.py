"""Every filter example of the reference (seeds/004 and the real use in reference 1.4), each
checked against the brute-force oracle over the world's ground truth; where the reference's
own values find nothing in a Dutch world, a variant with the world's values is checked too."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from query_world import frequent_words, jobfeed_fixture, sample  # noqa: F401

from jobfakes.query import QueryError

REFERENCE = [
    [("job:profession", "696")],
    [("posting:profession", "696")],
    [("profession", "696")],
    [("profession", "227|4980")],
    [("profession", "227 OR 4980")],
    [("profession[]", "227"), ("profession[]", "4980")],
    [("date__range", "2017-01-01__2017-06-30"), ("date__range__and", "2017-06-26__2017-07-02")],
    [("source_website__prefix", "example")],
    [("expiration_date", "_not_exists")],
    [("location__radius", "Amsterdam__25")],
    [("location__radius", "1000__25")],
    [("location__radius", "52.08,4.32__10")],
    [("education_level__range", "3__8")],
    [("date__range", "now-1y__now")],
    [("date__range", "now-1M__")],
    [("date__range", "now-1y-6M__now-1y")],
    [("date__range", "2016-03-01||+1w__now")],
    [("date__calendar", "2m")],
    [("date__calendar", "1q")],
    [("date__calendar", "1y")],
    [("profession__custom", "123")],
    [("education_level__not", "5")],
    [("education_level__range__not", "3__8")],
    [("location__radius__not", "Amsterdam__25")],
    [("date__calendar__not", "2m")],
    [("profession__custom__not", "123")],
    [("full_text", "(transport OR auto) AND diesel AND NOT java")],
    [("full_text", "(transport|auto) diesel -java")],
    [("full_text", '"diesel technician"')],
    [("full_text", "colour~")],
    [("full_text", '"junior manager"~3')],
    [("full_text", "auto*")],
    [("full_text", "*ologist")],
    [("full_text", "p*diatric")],
    [("organization_name__exact", "Globen")],
    [("full_text", "java developer")],
    # real use (reference 1.4)
    [("posting:expired", "false")],
    [("job:contract_type", "2|3|4|6|9")],
    [("advertiser_type", "1")],
    [("posting:source_website__prefix__none", "freelancer|freelance|jobbird")],
    [("full_text", '((ZZP* OR Freelanc*) NOT ("geen ZZP" OR "alleen een loondienstverband"))')],
]


@pytest.mark.parametrize("params", REFERENCE, ids=lambda p: "&".join(f"{k}={v}" for k, v in p))
def test_reference_examples_agree_with_the_oracle(jobfeed, params):
    assert jobfeed.job_ids(params) == jobfeed.expected(params)
    assert jobfeed.job_ids(params, "POST") == jobfeed.expected(params)  # form body
    assert jobfeed.posting_ids(params) == jobfeed.expected_postings(params)


def test_the_default_level_is_the_first_level(jobfeed):
    assert jobfeed.job_ids([("profession", "696")]) == jobfeed.job_ids(
        [("posting:profession", "696")]
    )


def test_the_three_spellings_of_multiple_values_agree(jobfeed):
    code1, code2 = sample(jobfeed, "SELECT DISTINCT profession FROM postings ORDER BY 1 LIMIT 2")
    pipe = jobfeed.job_ids([("profession", f"{code1}|{code2}")])
    assert pipe == jobfeed.job_ids([("profession", f"{code1} OR {code2}")])
    assert pipe == jobfeed.job_ids([("profession[]", str(code1)), ("profession[]", str(code2))])
    single = jobfeed.job_ids([("profession", str(code1))]) | jobfeed.job_ids(
        [("profession", str(code2))]
    )
    assert pipe == single and pipe


def test_both_spellings_of_the_boolean_example_agree_on_world_words(jobfeed):
    a, b, c, d = frequent_words(jobfeed, 40)[10:14]
    long = jobfeed.job_ids([("full_text", f"({a} OR {b}) AND {c} AND NOT {d}")])
    assert long == jobfeed.job_ids([("full_text", f"({a}|{b}) {c} -{d}")])
    assert long == jobfeed.expected([("full_text", f"({a} OR {b}) AND {c} AND NOT {d}")])


def world_variants(jobfeed):
    """The reference's examples with values this world has."""
    profession, website, org = jobfeed.conn.execute(
        "SELECT profession, source_website, organization_name FROM postings ORDER BY rowid LIMIT 1"
    ).fetchone()
    words = frequent_words(jobfeed, 60)
    text = jobfeed.conn.execute("SELECT full_text FROM postings ORDER BY rowid LIMIT 1").fetchone()[
        0
    ]
    first, second = [w for w in text.split() if w.isalpha() and len(w) > 3][:2]
    return [
        [("job:profession", str(profession))],
        [("posting:profession", str(profession))],
        [("source_website__prefix", website[:3])],
        [("source_website__prefix__not", website[:3])],
        [("organization_name__exact", org)],
        [("organization_name", org)],
        [("date__range", "now-1y__now"), ("date__range__and", "now-6M__now-1M")],
        [("location", "Amsterdam")],
        [("location__radius", "Amsterdam__25"), ("profession", str(profession))],
        [("location__radius__not", "Utrecht__40")],
        [("job:location__radius", "52.08,4.32__30")],
        [("profession__custom", "1")],
        [("profession__custom_2", "12")],
        [("profession__custom__not", "2")],
        [("education_level__custom", "2")],
        [("full_text", f"{words[3]} {words[7]}")],
        [("full_text", f'"{first} {second}"')],
        [("full_text", f'"{first} {second}"~3')],
        [("full_text", f"{words[5][:-1]}~")],
        [("full_text", f"{words[5][:4]}*")],
        [("full_text", f"*{words[6][-4:]}")],
        [("full_text", f"{words[8][0]}*{words[8][-3:]}")],
        [("full_text", f"NOT {words[2]}")],
        [("job_title", f"{words[9]} OR {words[12]}"), ("full_text", f"-{words[4]}")],
        [("it_skills", "_exists"), ("job:it_skills__prefix", "java|python")],
        [("salary__range", "3000__"), ("via_intermediary", "yes")],
    ]


def test_world_variants_agree_with_the_oracle_and_find_jobs(jobfeed):
    found = 0
    for params in world_variants(jobfeed):
        got = jobfeed.job_ids(params)
        assert got == jobfeed.expected(params), params
        assert jobfeed.posting_ids(params) == jobfeed.expected_postings(params), params
        found += bool(got)
    assert found >= len(world_variants(jobfeed)) - 3  # the variants are not vacuous


def test_radius_and_range_on_one_field_is_refused(jobfeed):
    with pytest.raises(QueryError, match="__radius cannot be used together with __range"):
        jobfeed.compile([("location__radius", "Amsterdam__25"), ("location__range", "1000__2000")])
    both = [("location__radius", "Amsterdam__25"), ("location__range", "1000__2000")]
    response = jobfeed.get("count", both)
    assert response.status_code == 400 and response.json()["parameter"] == "location__range"
    other_levels = [("job:location__radius", "Amsterdam__25"), ("location__range", "1000__2000")]
    assert jobfeed.job_ids(other_levels) == jobfeed.expected(other_levels)


def test_exact_matches_the_whole_name_only_and_full_text_any_name_with_the_word(jobfeed):
    org = sample(
        jobfeed, "SELECT organization_name FROM postings WHERE organization_name LIKE '% %'"
    )[0]
    head = org.split()[0]

    def having(test):
        return {
            job["job_id"]
            for job in jobfeed.oracle.jobs
            if any(test(p["organization_name"] or "") for p in job["postings"])
        }

    assert jobfeed.job_ids([("organization_name__exact", org)]) == having(lambda n: n == org)
    assert jobfeed.job_ids([("organization_name__exact", head)]) == having(lambda n: n == head)
    text = jobfeed.job_ids([("organization_name", head)])
    assert having(lambda n: n == org) <= text


def test_snippets_highlight_the_full_text_terms(jobfeed):
    word, other = frequent_words(jobfeed, 20)[5:7]
    params = [("full_text", f"{word} OR {other}~1 -zzzz"), ("_snippets", "1"), ("_limit", "50")]
    body = jobfeed.ok("search", params)
    assert body["results"]
    for job in body["results"]:
        snippets = job["_snippets"]
        assert snippets and all("<em>" in s for s in snippets)
        marked = {part.split("</em>")[0].lower() for s in snippets for part in s.split("<em>")[1:]}
        assert word in marked or any(len(m) >= len(other) - 1 for m in marked)
        assert "zzzz" not in marked


def test_snippets_of_a_filter_without_full_text_are_empty(jobfeed):
    word = frequent_words(jobfeed, 20)[5]
    assert jobfeed.compile([("job_title", word)]).snippets(f"a {word} b") == []
    assert jobfeed.compile([("full_text", word)]).snippets(f"a {word} b") == [
        f"a <em>{word}</em> b"
    ]


def test_every_location_is_a_place_with_the_place_coordinates(jobfeed):
    """A radius compiles to the codes of the places within it; that holds because of this."""
    for table in ("jobs", "postings"):
        off = jobfeed.conn.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN places pl ON pl.code = t.location "
            "WHERE t.location IS NOT NULL AND (pl.code IS NULL OR t.location_lat != pl.lat "
            "OR t.location_lon != pl.lon)"
        ).fetchone()[0]
        assert off == 0, table


def test_radius_zero_finds_only_the_place_itself(jobfeed):
    assert jobfeed.job_ids([("job:location__radius", "1000__0")]) == jobfeed.job_ids(
        [("job:location", "1000")]
    )


@pytest.mark.parametrize(
    ("param", "value", "words"),
    [
        ("date__range", "now 1h__now", "was '+' URL-encoded"),  # what an unencoded + becomes
        ("date__range", "now+1h__", "unknown date unit 'h'"),  # units are y M w d only
        ("date__range", "now-1m__", "unknown date unit 'm'"),  # case-sensitive: m is no month
        ("date__calendar", "2w", "unit m, q or y"),
        ("location__radius", "Atlantis__10", "no place"),
        ("job:full_text", "java", "not available at the job level"),
        ("profession__prefix", "69", "not supported"),
        ("full_text", '"diesel', "cannot parse"),
        ("salary", "veel", "expected a number"),
    ],
)
def test_bad_filters_are_400s_naming_the_parameter(jobfeed, param, value, words):
    for method in ("GET", "POST"):
        response = jobfeed.get("search", [(param, value)], method)
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["parameter"] == param and words in body["message"]


def test_date_math_and_calendar_follow_the_world_clock(jobfeed):
    month = jobfeed.today.replace(day=1)
    before = month - relativedelta(months=2)
    calendar = jobfeed.job_ids([("job:date__calendar", "2m")])
    explicit = [("job:date__range", f"{before.isoformat()}__{month.isoformat()}||-1d")]
    assert calendar == jobfeed.job_ids(explicit) == jobfeed.expected(explicit)
    assert calendar


def test_snippets_of_wildcards_and_fuzzy_terms(jobfeed):
    filters = jobfeed.compile([("full_text", "ervar* OR developr~ OR *")])
    assert filters.snippets("Ervaring als developer, geen stage") == [
        "<em>Ervaring</em> als <em>developer</em>, geen stage"
    ]
