"""The CSV reader of learner imports on its own (no database): line numbers and look-ups."""

import uuid

from django.utils import translation

from stats.importing import Lookups, parse_learners

A, B, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
LOOKUPS = Lookups(
    courses={"a": {A}, "7": {A}, "b": {B}, "twin": {A, B}, "other": {OTHER}},
    scope=frozenset({A, B}),
    groups={"class 1": [1], "same": [2, 3]},
    languages=frozenset({"fa", "en"}),
)


def parse(text: str, max_bytes: int = 10_000):
    with translation.override("en"):
        return parse_learners(text.encode(), lookups=LOOKUPS, max_bytes=max_bytes)


def test_rows_resolve_courses_by_slug_or_id_and_groups_by_name_in_any_case():
    result = parse("Email,Groups,Courses\nx@example.org, CLASS 1 ;class 1,a; 7 ;b\n")
    assert result.errors == []
    (row,) = result.rows
    assert (row.line, row.groups, row.courses, row.language) == (2, (1,), (A, B), "")


def test_a_quoted_cell_over_several_lines_keeps_the_next_lines_number():
    result = parse('email,name\na@example.org,"two\nlines"\n\nbad,x\n')
    assert [row.line for row in result.rows] == [2]
    assert [(issue.line, issue.message) for issue in result.errors] == [
        (5, "“bad” is not a valid e-mail address.")
    ]


def test_ambiguous_and_out_of_scope_names_are_line_errors():
    result = parse("email,groups,courses\na@example.org,same,twin;other\n")
    assert [(issue.line, issue.message) for issue in result.errors] == [
        (2, "Several learner groups are called “same”: rename one of them."),
        (2, "Several courses match “twin”: use the course's id."),
        (2, "You may not enrol learners in the course “other”."),
    ]
    assert result.rows == []


def test_the_size_limit_is_checked_before_decoding():
    result = parse("email\n" + "a@example.org\n" * 100, max_bytes=1024)
    assert [(issue.line, issue.message) for issue in result.errors] == [
        (0, "The file is too large: the limit is 1 KB.")
    ]
