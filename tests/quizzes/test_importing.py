"""Importing GIFT and Aiken files into the question bank, and exporting categories back."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from quizzes.exporting import category_to_parsed, export_category, export_gift
from quizzes.formats.gift import parse_gift
from quizzes.formats.parsed import ParsedAnswer, ParsedQuestion
from quizzes.importing import (
    QuestionImportError,
    answer_text,
    category_name,
    import_questions,
    parse_file,
)
from quizzes.models import Choice, Question, QuestionCategory
from tests.builders import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALL_TYPES = (FIXTURES / "gift" / "all_types.txt").read_bytes()
MIXED_ERRORS = (FIXTURES / "gift" / "mixed_errors.txt").read_bytes()


def parse_ok(data: bytes, fmt: str = "gift") -> list[ParsedQuestion]:
    result = parse_file(data, fmt)
    assert result.errors == []
    return result.questions


def import_all_types(**kwargs) -> dict[str, Question]:
    created = import_questions(parsed=parse_ok(ALL_TYPES), source_format="gift", **kwargs)
    return {question.name: question for question in created}


def choices(question: Question) -> list[Choice]:
    return list(question.choices.order_by("sort_order"))


# --------------------------------------------------------------------------- every type


def test_every_gift_question_type_is_stored_with_its_answers():
    questions = import_all_types()
    assert len(questions) == Question.objects.count() == 17
    assert {q.type for q in questions.values()} == {
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "match",
        "essay",
        "description",
    }
    assert {q.source_format for q in questions.values()} == {"gift"}

    mc = questions["Grant MC"]
    assert mc.single and mc.idnumber == "grant-mc" and mc.tags == "history, easy"
    assert [(c.text, c.fraction, c.feedback) for c in choices(mc)] == [
        ("Grant", Decimal(0), "No, he is {entombed}."),
        ("Ulysses S. Grant", Decimal(1), "Correct: full name!"),
        ("no one", Decimal(0), ""),
    ]
    assert mc.general_feedback == "<p>Grant\\Ulysses: see #42.</p>"
    assert "_____" in questions["Missing word"].text

    thirds = questions["Thirds"]
    assert not thirds.single
    assert [c.fraction for c in choices(thirds)] == [
        Decimal("0.3333333"),
        Decimal("0.3333333"),
        Decimal("0.3333334"),
        Decimal(-1),
    ]

    tf = questions["TF with feedback"]
    assert tf.correct_answer is False and not tf.choices.exists()
    assert tf.feedback_true == "He is entombed, not buried."
    assert tf.feedback_false == "Right: entombed."
    assert questions["TF true"].correct_answer is True
    assert questions["TF true"].text == "<p>The sun rises in the <b>east</b>.</p>"

    short = questions["Short answers"]
    assert [(c.text, c.fraction) for c in choices(short)] == [
        ("Grant", Decimal(1)),
        ("Ulysses", Decimal("0.5")),
        ("nobody", Decimal("-0.25")),
    ]

    graded = questions["Graded numerical"]
    assert [(c.text, c.fraction, c.tolerance) for c in choices(graded)] == [
        ("1822", Decimal(1), 0.0),
        ("1822", Decimal("0.5"), 2.0),
        ("*", Decimal(0), 0.0),
    ]
    assert choices(graded)[2].feedback == "Way off: try again."
    (pi,) = choices(questions["Range"])
    assert pi.text == "3.1415" and pi.tolerance == pytest.approx(0.0005)

    pairs = [(c.text, c.match_text) for c in choices(questions["Matching"])]
    assert pairs == [("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo"), ("", "Paris")]

    essay = questions["Essay"]
    assert not essay.choices.exists()
    assert essay.text == "<p>Describe <strong>Grant's</strong> tomb in 200 words.</p>"
    intro = questions["Intro"]
    assert intro.type == "description"
    assert intro.text == "<p>This part is about &lt;American&gt; presidents.<br>Read carefully.</p>"
    assert questions["Multi line"].text == "<p>Which of these<br>are fruit?</p>"
    assert questions["پایتخت"].tags == "فارسی"


def test_categories_come_from_the_file_within_the_course(site_tree):
    course = build_course(slug="bank", lessons=0).course
    questions = import_all_types(course=course)
    names = set(QuestionCategory.objects.filter(course=course).values_list("name", flat=True))
    assert names == {"Grant's tomb", "Numbers", "Persian"}
    assert questions["Range"].category.name == "Numbers"
    assert not QuestionCategory.objects.filter(course__isnull=True).exists()
    import_all_types(course=course)  # the same categories are used again
    assert QuestionCategory.objects.filter(course=course).count() == 3
    assert Question.objects.filter(category__course=course).count() == 34


def test_an_explicit_category_takes_every_question_and_the_default_name_the_rest():
    target = QuestionCategory.objects.create(name="Week 1")
    import_all_types(category=target)
    assert target.questions.count() == 17
    assert QuestionCategory.objects.count() == 1
    parsed = parse_ok(b"::Q::2+2?{=4}")
    (question,) = import_questions(parsed=parsed, default_category_name="Leftovers")
    assert question.category.name == "Leftovers"


@pytest.mark.parametrize(
    "path, name",
    [
        ("$course$/Grant's tomb", "Grant's tomb"),
        ("$course$/top/Week 1", "Week 1"),
        ("$system$/top", ""),
        ("$cat1$/Sub/Deeper", "Sub/Deeper"),
        ("top", ""),
        ("Plain", "Plain"),
    ],
)
def test_category_paths_lose_moodle_context_and_top(path, name):
    assert category_name(path) == name


# --------------------------------------------------------------------------- all or nothing


def test_a_file_with_bad_questions_reports_each_by_line_and_imports_nothing():
    result = parse_file(MIXED_ERRORS, "gift")
    assert [issue.line for issue in result.errors] == [4, 8, 12, 16, 18, 20]
    assert "Could not find {...} around answers" in result.errors[0].message
    assert len(result.questions) == 5
    assert not result.ok
    assert Question.objects.count() == 0


def test_an_ungradable_question_stops_the_whole_import():
    source = (
        "::Fine::Two plus two?{=4}\n\n"
        "::No full credit::Pick one{=%50%a ~b ~c}\n\n"
        "::Numbers only::How many?{#3}\n"
    )
    result = parse_file(source.encode(), "gift")
    assert result.ok
    with pytest.raises(QuestionImportError) as error:
        import_questions(parsed=result.questions)
    assert [(issue.line, issue.message) for issue in error.value.errors] == [
        (3, "One answer must give full credit (1).")
    ]
    assert Question.objects.count() == Choice.objects.count() == 0
    assert QuestionCategory.objects.count() == 0


def test_every_problem_is_collected_before_failing():
    parsed = [
        ParsedQuestion(type="multichoice", name="Lonely", text="x", answers=[], line=1),
        ParsedQuestion(type="numerical", name="Word", text="x", line=5),
        ParsedQuestion(type="truefalse", name="T", text="y", correct=True, line=9),
    ]
    parsed[1].answers = [ParsedAnswer(text="three", fraction=1.0)]
    parsed[0].idnumber = "x" * 101
    with pytest.raises(QuestionImportError) as error:
        import_questions(parsed=parsed)
    lines = [issue.line for issue in error.value.errors]
    assert lines == [1, 5]
    assert "ID number" in error.value.errors[0].message
    assert "“three” is not a number." in error.value.errors[1].message
    assert Question.objects.count() == 0


# --------------------------------------------------------------------------- texts


def test_html_is_sanitised():
    text = (
        '<p onclick="steal()">Look <script>alert(1)</script><b>here</b>'
        '<img src="/media/a.png" alt="A chart" onerror="alert(2)">'
        '<a href="javascript:alert(3)">bad</a> <a href="https://example.org">good</a></p>'
        "<style>p {color: red}</style><table><tr><td>cell</td></tr></table>"
    )
    parsed = [
        ParsedQuestion(type="essay", name="Html", text=text, format="html", general_feedback=text)
    ]
    (question,) = import_questions(parsed=parsed)
    for stored in (question.text, question.general_feedback):
        for forbidden in ("<script", "alert(", "onerror", "onclick", "javascript:", "<style"):
            assert forbidden not in stored
        assert '<img src="/media/a.png" alt="A chart">' in stored
        assert 'href="https://example.org"' in stored
        assert "<b>here</b>" in stored and "<td>cell</td>" in stored


def test_markdown_is_rendered_then_sanitised():
    parsed = parse_ok(b"::Md::[markdown]Some **bold** and a [link](https://example.org)\n\n")
    parsed += [
        ParsedQuestion(
            type="description", name="Raw", text="Hi <script>x()</script>", format="markdown"
        )
    ]
    first, second = import_questions(parsed=parsed)
    assert "<strong>bold</strong>" in first.text
    assert '<a href="https://example.org"' in first.text
    assert "<script" not in second.text and "x()" not in second.text


def test_html_answers_are_stored_as_plain_text():
    assert answer_text("<b>Paris</b> &amp; Lyon", "html") == "Paris & Lyon"
    assert answer_text(" a <b> ", "moodle") == "a <b>"


# --------------------------------------------------------------------------- Aiken and files


def test_aiken_questions_become_single_answer_multiple_choice():
    parsed = parse_ok((FIXTURES / "aiken" / "sample.txt").read_bytes(), "aiken")
    tag, browser = import_questions(parsed=parsed, source_format="aiken")
    assert tag.type == "multichoice" and tag.single and tag.source_format == "aiken"
    assert tag.text == "Which tag starts a paragraph in HTML?"
    assert [(c.text, c.fraction) for c in choices(tag)] == [
        ("<p>", Decimal(1)),
        ("<br>", Decimal(0)),
        ("<a>", Decimal(0)),
    ]
    assert [c.text for c in choices(browser)] == ["Firefox", "Excel", "Word", "Paint"]
    assert tag.category.name == "Imported"


def test_files_with_a_byte_order_mark_are_read():
    questions = parse_ok("\ufeff::Q::Two?{=2}".encode())
    assert questions[0].name == "Q"


@pytest.mark.parametrize(
    "data, line, words",
    [
        ("::Q::Caf\xe9?{=oui}".encode("latin-1"), 1, "not UTF-8"),
        (b"::A::a{=a}\n\n::B::caf\xe9{=b}", 3, "not UTF-8"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", 0, "not a text file"),
        (b"  \n\n", 0, "empty"),
    ],
)
def test_unreadable_files_get_one_clear_error(data, line, words):
    result = parse_file(data, "gift")
    assert result.questions == []
    assert len(result.errors) == 1
    assert result.errors[0].line == line and words in result.errors[0].message


def test_files_over_the_size_limit_are_refused(settings):
    settings.QUIZ_IMPORT_MAX_BYTES = 100
    result = parse_file(b"::Q::Two?{=2}\n" * 20, "gift")
    assert result.questions == [] and "too large" in result.errors[0].message


def test_a_file_without_questions_is_an_error():
    result = parse_file(b"// only a comment\n", "gift")
    assert not result.ok and "No questions" in result.errors[0].message


# --------------------------------------------------------------------------- export


def _answers(question: ParsedQuestion) -> list:
    return [
        (
            answer_text(a.text, question.format),
            a.fraction,
            answer_text(a.feedback, question.format),
            a.tolerance,
        )
        for a in question.answers
    ]


def _pairs(question: ParsedQuestion) -> list:
    return [
        (answer_text(p.subquestion, question.format), answer_text(p.answer, question.format))
        for p in question.pairs
    ]


def test_import_export_round_trip_keeps_every_question():
    original = parse_ok(ALL_TYPES)
    stored = import_all_types()
    exported = []
    for category in QuestionCategory.objects.order_by("pk"):
        result = parse_gift(export_gift(category))
        assert result.errors == []
        exported += result.questions
    assert len(exported) == len(original) == 17
    for before, after in zip(original, exported, strict=True):
        assert after.type == before.type
        assert after.name == before.name
        assert after.format == "html"
        assert after.text == stored[before.name].text
        assert after.general_feedback == stored[before.name].general_feedback
        assert after.tags == before.tags and after.idnumber == before.idnumber
        assert _answers(after) == _answers(before)
        assert _pairs(after) == _pairs(before)
        if before.type == "multichoice":
            assert after.single == before.single
        if before.type == "truefalse":
            assert after.correct == before.correct
            assert (after.feedback_true, after.feedback_false) == (
                before.feedback_true,
                before.feedback_false,
            )


def test_reimporting_an_export_gives_the_same_questions():
    first = import_all_types()
    category = QuestionCategory.objects.get(name="Numbers")
    again = import_questions(parsed=parse_ok(export_gift(category).encode()))
    for question in again:
        source = first[question.name]
        assert question.category.name == "Numbers" and question.pk != source.pk
        assert question.text == source.text and question.type == source.type
        assert [(c.text, c.fraction, c.tolerance, c.feedback) for c in choices(question)] == [
            (c.text, c.fraction, c.tolerance, c.feedback) for c in choices(source)
        ]


def test_special_characters_in_answers_survive_a_round_trip():
    category = QuestionCategory.objects.create(name="Symbols")
    question = Question.objects.create(
        category=category, type="multichoice", name="Amp", text="<p>Pick</p>"
    )
    Choice.objects.create(
        question=question, text="AT&T <b> {x}", fraction=1, feedback="a # b ~ c", sort_order=0
    )
    Choice.objects.create(question=question, text="&amp; literally", fraction=0, sort_order=1)
    (back,) = import_questions(parsed=parse_ok(export_gift(category).encode()))
    assert [(c.text, c.feedback) for c in choices(back)] == [
        ("AT&T <b> {x}", "a # b ~ c"),
        ("&amp; literally", ""),
    ]


def test_ordering_and_cloze_questions_are_skipped_and_named_in_a_comment():
    category = QuestionCategory.objects.create(name="Mixed")
    Question.objects.create(
        category=category, type="cloze", name="Gaps", text="<p>{1:SHORTANSWER:=x}</p>"
    )
    ordering = Question.objects.create(
        category=category, type="ordering", name="Steps", text="<p>Order</p>"
    )
    Choice.objects.create(question=ordering, text="one", sort_order=0)
    Choice.objects.create(question=ordering, text="two", sort_order=1)
    Question.objects.create(category=category, type="essay", name="Write", text="<p>Go</p>")
    text = export_gift(category)
    comments = [line for line in text.splitlines() if line.startswith("//")]
    assert len(comments) == 2
    assert "Gaps" in comments[0] and "Steps" in comments[1]
    result = parse_gift(text)
    assert result.errors == [] and [q.name for q in result.questions] == ["Write"]
    assert [q.name for q in category_to_parsed(category)] == ["Write"]


def test_aiken_export_keeps_only_single_answer_multiple_choice():
    import_all_types()
    category = QuestionCategory.objects.get(name="Persian")
    result = export_category(category, "aiken")
    assert {name for name, _reason in result.skipped} == {"Essay", "Intro", "Multi line"}
    assert "ANSWER: A" in result.text and "پایتخت ایران کدام شهر است؟" in result.text
    (back,) = parse_ok(result.text.encode(), "aiken")
    assert [a.fraction for a in back.answers] == [1.0, 0.0, 0.0]
