"""Property tests: for random filters the fake (over HTTP) and the oracle agree; any full text
gets results or a 400, never a 500."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_world import frequent_words, jobfeed_fixture, sample  # noqa: F401

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CODED = ["profession", "profession_group", "education_level", "contract_type", "region", "province"]
NUMBERS = ["salary", "hours_per_week_from", "experience_years_from", "salary_to"]
BOTH_LEVELS = set(
    CODED + NUMBERS + ["date", "expired", "via_intermediary", "location", "it_skills"]
)
PLACES = ["Amsterdam", "Utrecht", "1000", "52.08,4.32", "Groningen", "Eindhoven", "Maastricht"]


def text_queries(words: list[str]) -> st.SearchStrategy[str]:
    """Full-text queries in the reference's syntax over the given words."""
    word = st.sampled_from(words)
    leaf = st.one_of(
        word,
        word.map(str.upper),
        st.tuples(word, word).map(lambda p: f'"{p[0]} {p[1]}"'),
        st.tuples(word, word, st.integers(0, 4)).map(lambda p: f'"{p[0]} {p[1]}"~{p[2]}'),
        st.tuples(word, word, word, st.integers(0, 4)).map(
            lambda p: f'"{p[0]} {p[1]} {p[2]}"~{p[3]}'
        ),
        st.tuples(word, st.integers(1, 3)).map(lambda p: p[0][: -p[1]] + "*"),
        word.map(lambda w: "*" + w[2:]),
        word.map(lambda w: w[0] + "?" + w[2:]),
        word.map(lambda w: w[0] + "*" + w[-2:]),
        st.tuples(word, st.sampled_from(["", "1", "2"])).map(lambda p: f"{p[0][1:]}x~{p[1]}"),
    )

    def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(
                children,
                st.sampled_from([" AND ", " OR ", " ", "|", " && ", " -", " NOT "]),
                children,
            ).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
            children.map(lambda c: f"({c})"),
            children.map(lambda c: f"NOT {c}"),
            children.map(lambda c: f"-{c}"),
        )

    return st.recursive(leaf, combine, max_leaves=6)


@st.composite
def filters(draw: st.DrawFn, values: dict[str, list]) -> list[tuple[str, str]]:
    params = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["code", "number", "date", "bool", "string", "exists", "radius",
                                     "custom", "skill", "text", "location"]))  # fmt: skip
        suffix = ""
        if kind == "code":
            field = draw(st.sampled_from(CODED))
            chosen = draw(st.lists(st.sampled_from(values[field]), min_size=1, max_size=3))
            value = draw(st.sampled_from(["|", " OR "])).join(str(v) for v in chosen)
            if draw(st.booleans()):
                suffix, low, high = "__range", min(chosen), max(chosen)
                value = f"{low}__{high}"
        elif kind == "number":
            field = draw(st.sampled_from(NUMBERS))
            low = draw(st.sampled_from([*values[field], ""]))
            high = draw(st.sampled_from([*values[field], ""]))
            suffix, value = "__range", f"{low}__{high}"
        elif kind == "date":
            field = draw(st.sampled_from(["date", "expiration_date"]))
            if draw(st.booleans()):
                suffix, value = "__calendar", draw(st.sampled_from(["1m", "2m", "1q", "3q", "1y"]))
            else:
                ends = st.sampled_from(
                    ["", "now", "now-1y", "now-6M-2w", "2025-03-01||+1M", "2024-06-30", "now-10d"]
                )
                suffix, value = "__range", f"{draw(ends)}__{draw(ends)}"
        elif kind == "bool":
            field = draw(st.sampled_from(["expired", "via_intermediary"]))
            value = draw(st.sampled_from(["0", "1", "true", "false", "yes", "no"]))
        elif kind == "string":
            field = "source_website"
            site = draw(st.sampled_from(values["source_website"]))
            if draw(st.booleans()):
                suffix, value = "__prefix", site[: draw(st.integers(1, 6))]
            else:
                value = site
        elif kind == "exists":
            field = draw(
                st.sampled_from(
                    [
                        "expiration_date",
                        "salary",
                        "experience_years_from",
                        "it_skills",
                        "organization_name",
                    ]
                )
            )
            value = draw(st.sampled_from(["_exists", "_not_exists"]))
        elif kind == "radius":
            field, suffix = "location", "__radius"
            value = f"{draw(st.sampled_from(PLACES))}__{draw(st.integers(0, 80))}"
        elif kind == "location":
            field, value = (
                "location",
                draw(st.sampled_from(["Amsterdam", "Rotterdam", *map(str, values["location"])])),
            )
        elif kind == "custom":
            field = draw(
                st.sampled_from(["profession", "education_level", "organization_industry"])
            )
            suffix = draw(st.sampled_from(["__custom", "__custom_1", "__custom_2"]))
            value = str(draw(st.integers(1, 32)))
        elif kind == "skill":
            field = "it_skills"
            skill = draw(st.sampled_from(values["it_skills"]))
            if draw(st.booleans()):
                suffix, value = "__prefix", skill[:3]
            else:
                value = skill
        else:
            field = draw(st.sampled_from(["full_text", "job_title", "organization_name"]))
            value = draw(text_queries(values["words"]))
        prefix = draw(st.sampled_from(["", "job:", "posting:"])) if field in BOTH_LEVELS else ""
        flags = draw(st.sampled_from(["", "", "__not", "__none", "__and"]))
        params.append((f"{prefix}{field}{suffix}{flags}", value))
    return params


def world_values(jobfeed) -> dict[str, list]:
    values: dict[str, list] = {
        field: sample(
            jobfeed,
            f"SELECT DISTINCT {field} FROM postings WHERE {field} IS NOT NULL ORDER BY 1 LIMIT 12",
        )
        for field in [*CODED, *NUMBERS, "source_website", "location"]
    }
    values["it_skills"] = sample(
        jobfeed, "SELECT DISTINCT e.value FROM postings, json_each(it_skills) e ORDER BY 1"
    )
    values["words"] = frequent_words(jobfeed, 80)[::3]
    return values


def test_random_filters_agree_with_the_oracle(jobfeed):
    values = world_values(jobfeed)

    @SETTINGS
    @given(filters(values))
    def check(params):
        assert jobfeed.job_ids(params) == jobfeed.expected(params), params

    check()


def test_the_array_and_the_sql_path_agree(jobfeed):
    """The filters are array work where they allow it; a `_sort` on a text field takes the SQL
    path: the same jobs, matching postings and facets either way."""
    values = world_values(jobfeed)
    options = [
        ("_fields", "job_id,posting:posting_id"),
        ("_matching_postings", "1"),
        ("_facets", ",".join(FACETS)),
        ("_facets_limit", "4"),
        ("_labels", "0"),
        ("_limit", "10000"),
    ]

    def found(body):
        postings = {
            job["job_id"]: [p["posting_id"] for p in job["posting"]] for job in body["results"]
        }
        return body["total_count"], postings, body["facets"]

    @SETTINGS
    @given(filters(values))
    def check(params):
        fast = jobfeed.ok("search", [*params, *options])
        slow = jobfeed.ok("search", [*params, *options, ("_sort", "organization_name")])
        assert found(fast) == found(slow), params

    check()


def test_the_array_path_covers_codes_numbers_dates_and_posting_full_text(jobfeed):
    """The filters the fast path reads, and some it leaves to SQL (a guard: without a plan
    every request is slow)."""
    fast = [
        [("full_text", "ervaring -stage"), ("job:education_level__range", "5__15")],
        [("location__radius", "Utrecht__60"), ("date__range", "now-1y__now")],
        [("profession", "1|2"), ("expired", "no"), ("salary__not", "_exists")],
        [("education_level__custom", "1"), ("posting:region__and", "3")],
    ]
    slow = [
        [("job_title__exact", "Developer")],
        [("source_website__prefix", "www")],
        [("it_skills", "Python")],
        [("full_text", "ervaring"), ("full_text__not", "stage")],
    ]
    assert all(jobfeed.compile(params).plan is not None for params in fast)
    assert all(jobfeed.compile(params).plan is None for params in slow)


SORTABLE = [
    "date", "job:date", "posting:date", "expiration_date", "salary", "job:salary",
    "posting:salary", "education_level", "job:education_level", "profession", "expired",
    "location", "job:location", "hours_per_week_from", "organization_name",
]  # fmt: skip


def test_sorted_results_follow_the_oracle_order(jobfeed):
    values = world_values(jobfeed)
    sorts = st.lists(
        st.tuples(st.sampled_from(SORTABLE), st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda item: item[0],
    )

    @SETTINGS
    @given(filters(values), sorts)
    def check(params, sort):
        options = [
            ("_sort", ",".join(name for name, _ in sort)),
            ("_sortdir", ",".join("desc" if descending else "asc" for _, descending in sort)),
            ("_fields", "job_id"),
            ("_limit", "10000"),
        ]
        found = [job["job_id"] for job in jobfeed.ok("search", [*params, *options])["results"]]
        assert found == jobfeed.expected_order(params, sort), (params, sort)

    check()


def test_random_full_text_queries_agree_with_the_oracle(jobfeed):
    words = frequent_words(jobfeed, 120)[::2]

    @settings(max_examples=100, deadline=None)
    @given(text_queries(words), st.sampled_from(["full_text", "job_title", "posting:full_text"]))
    def check(query, field):
        params = [(field, query)]
        assert jobfeed.job_ids(params) == jobfeed.expected(params), params

    check()


def test_random_posting_filters_agree_on_the_matching_postings(jobfeed):
    values = world_values(jobfeed)

    @settings(max_examples=40, deadline=None)
    @given(filters(values))
    def check(params):
        assert jobfeed.posting_ids(params) == jobfeed.expected_postings(params), params

    check()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.one_of(
        st.text(),
        st.text(alphabet='ab "()*?~-+!|&^\\:/[]{}ANDORT0123456789é', max_size=40),
    ),
    field=st.sampled_from(["full_text", "job_title", "organization_name__exact"]),
    method=st.sampled_from(["GET", "POST"]),
)
def test_any_full_text_gets_results_or_a_400(jobfeed, query, field, method):
    response = jobfeed.get("search", [(field, query)], method)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["parameter"] == field
    else:
        assert "total_count" in response.json()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.one_of(
        st.sampled_from(
            ["profession", "job:date", "posting:location", "salary", "it_skills", "expired"]
        ),
        st.text(max_size=20),
    ),
    suffix=st.sampled_from(
        ["", "__range", "__radius", "__calendar", "__custom_2", "__prefix", "__not", "[]", "__x"]
    ),
    value=st.text(max_size=30),
)
def test_any_filter_value_gets_results_or_a_400(jobfeed, name, suffix, value):
    if name.startswith("_"):
        name = "x" + name  # names with `_` are options, not filters
    response = jobfeed.get("count", [(name + suffix, value)])
    assert response.status_code in (200, 400), response.text


FACETS = ["job:education_level", "profession", "job:contract_type", "region", "it_skills"]


def test_facet_and_aggregate_counts_agree_with_count(jobfeed):
    """A facet's or an aggregation bucket's count is the /count of the same filters with the
    bucket's value added with `__and` at the same level (job counts, and posting counts for
    `posting:` groups)."""
    values = world_values(jobfeed)

    @settings(max_examples=25, deadline=None)
    @given(filters(values), st.sampled_from(FACETS))
    def check(params, facet):
        body = jobfeed.ok(
            "search", [*params, ("_facets", facet), ("_facets_limit", "3"), ("_labels", "0")]
        )
        for bucket in body["facets"][facet]:
            narrowed = [*params, (f"{facet}__and", str(bucket["value"]))]
            assert bucket["count"] == jobfeed.ok("count", narrowed)["count"], (narrowed, bucket)
            assert bucket["count"] == len(jobfeed.expected(narrowed))
        level = facet if ":" in facet else f"posting:{facet}"
        rows = jobfeed.ok(
            "aggregate", [*params, ("_group", level), ("_limit", "3"), ("_labels", "0")]
        )
        assert rows[0][0] == level
        for value, count in rows[1:]:
            narrowed = [*params, (f"{level}__and", str(value))]
            group = [("_group", "posting")] if level.startswith("posting:") else []
            assert count == jobfeed.ok("count", [*narrowed, *group])["count"], (narrowed, count)

    check()


def test_a_job_level_filter_drops_the_postings_of_the_jobs_it_drops(jobfeed):
    """Postings that match the posting-level filters but belong to a job the job-level filters
    drop are neither counted, nor in a posting facet."""
    word = frequent_words(jobfeed, 1)[0]
    for province in range(1, 13):
        params = [("full_text", word), ("job:province__not", str(province))]
        postings = jobfeed.expected_postings(params)
        assert jobfeed.ok("count", [*params, ("_group", "posting")])["count"] == len(postings)
        assert jobfeed.posting_ids(params) == postings
        facet = jobfeed.ok("search", [*params, ("_facets", "posting:province"), ("_labels", "0")])
        for bucket in facet["facets"]["posting:province"]:
            narrowed = [*params, ("posting:province__and", str(bucket["value"]))]
            assert bucket["count"] == len(jobfeed.expected(narrowed)), narrowed
