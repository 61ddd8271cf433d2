"""The full-text grammar: the reference's examples, precedence, the dash rule, errors."""

from __future__ import annotations

import pytest

from jobfakes.query import QueryError
from jobfakes.query.fulltext import And, Fuzzy, Not, Or, Phrase, Wildcard, Word, parse

W = Word


def test_the_two_spellings_of_the_reference_boolean_example_are_one_query():
    long = parse("(transport OR auto) AND diesel AND NOT java")
    short = parse("(transport|auto) diesel -java")
    assert long == short == And((Or((W("transport"), W("auto"))), W("diesel"), Not(W("java"))))


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ('"diesel technician"', Phrase("diesel technician")),
        ("colour~", Fuzzy("colour", None)),
        ("colour~1", Fuzzy("colour", 1.0)),
        ('"junior manager"~3', Phrase("junior manager", 3)),
        ("auto*", Wildcard("auto*")),
        ("*ologist", Wildcard("*ologist")),
        ("p*diatric", Wildcard("p*diatric")),
        ("te?t", Wildcard("te?t")),
        ("java^2", W("java")),
        (r"a\*b", W("a*b")),
        ('"say \\"hi\\""', Phrase('say "hi"')),
    ],
)
def test_leaves(query, tree):
    assert parse(query) == tree


def test_the_real_use_query_of_the_reference():
    tree = parse('((ZZP* OR Freelanc*) NOT ("geen ZZP" OR "alleen een loondienstverband"))')
    assert tree == And(
        (
            Or((Wildcard("ZZP*"), Wildcard("Freelanc*"))),
            Not(Or((Phrase("geen ZZP"), Phrase("alleen een loondienstverband")))),
        )
    )


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        # AND (explicit or side by side) binds tighter than OR; NOT tighter than both
        ("a OR b AND c", Or((W("a"), And((W("b"), W("c")))))),
        ("a b OR c", Or((And((W("a"), W("b"))), W("c")))),
        ("a OR b c", Or((W("a"), And((W("b"), W("c")))))),
        ("NOT a b", And((Not(W("a")), W("b")))),
        ("a || b && c", Or((W("a"), And((W("b"), W("c")))))),
        ("!a", Not(W("a"))),
        ("+a -b", And((W("a"), Not(W("b"))))),
        ("a|b|c", Or((W("a"), W("b"), W("c")))),
    ],
)
def test_precedence(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("-java", Not(W("java"))),  # at the start
        ("php -java", And((W("php"), Not(W("java"))))),  # after a space
        ("(-java)", Not(W("java"))),  # after a parenthesis
        ("e-commerce", W("e-commerce")),  # inside a word: part of the word
        ("php - java", And((W("php"), W(""), W("java")))),  # followed by a space: dropped
        ("php-", W("php-")),
    ],
)
def test_the_dash_is_sensitive_to_spaces(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize("query", ['"open', "(a", "a)", "a AND", "OR b", "NOT", "a AND OR b", "~"])
def test_malformed_queries_are_query_errors_naming_the_parameter(query):
    with pytest.raises(QueryError) as caught:
        parse(query, "job_title")
    assert caught.value.param == "job_title"


def test_deep_nesting_is_a_query_error_not_a_crash():
    with pytest.raises(QueryError):
        parse("NOT " * 5000 + "a")


def test_an_empty_query_is_an_empty_word():
    assert parse("   ") == W("")
