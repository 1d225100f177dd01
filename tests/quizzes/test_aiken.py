"""Aiken parser and exporter (pure functions, no database)."""

import pytest
from django.utils import translation

from quizzes.formats.aiken import parse_aiken, to_aiken
from quizzes.formats.gift import parse_gift
from quizzes.formats.parsed import ParsedAnswer, ParsedQuestion, ParseIssue


@pytest.fixture(autouse=True)
def english():
    """These tests read the parser's and grader's messages in English (the msgids)."""
    with translation.override("en"):
        yield


SAMPLE = """\
Is this a true statement?
A) Yes
B) No
ANSWER: A

Which LMS has the most quiz question types?
A. Moodle
B. ATutor
C. Claroline
D. Blackboard
E. WebCT
F. Ilias
ANSWER: A
"""


def parse_ok(source: str, **kwargs) -> list[ParsedQuestion]:
    result = parse_aiken(source, **kwargs)
    assert result.errors == []
    return result.questions


def messages(source: str) -> list[str]:
    return [str(error) for error in parse_aiken(source).errors]


def choice(text: str, fraction: float = 0.0) -> ParsedAnswer:
    return ParsedAnswer(text, fraction)


def multichoice(text: str, choices: list[str], correct: int, **kwargs) -> ParsedQuestion:
    return ParsedQuestion(
        type="multichoice",
        name=kwargs.pop("name", text),
        text=text,
        format="html",
        answers=[choice(c, 1.0 if i == correct else 0.0) for i, c in enumerate(choices)],
        **kwargs,
    )


# --------------------------------------------------------------------------- parsing


def test_moodle_documentation_sample():
    first, second = parse_ok(SAMPLE)
    assert first.to_dict() == {
        "type": "multichoice",
        "name": "Is this a true statement?",
        "text": "Is this a true statement?",
        "format": "html",
        "category": "",
        "general_feedback": "",
        "tags": [],
        "idnumber": "",
        "single": True,
        "answers": [
            {"text": "Yes", "fraction": 1.0, "feedback": ""},
            {"text": "No", "fraction": 0.0, "feedback": ""},
        ],
    }
    assert [a.text for a in second.answers] == [
        "Moodle",
        "ATutor",
        "Claroline",
        "Blackboard",
        "WebCT",
        "Ilias",
    ]
    assert [a.fraction for a in second.answers] == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert (first.line, second.line) == (1, 6)


def test_answer_letter_selects_the_labelled_choice():
    (question,) = parse_ok("Pick C\nA) a\nB) b\nC) c\nD) d\nANSWER: C")
    assert [a.fraction for a in question.answers] == [0.0, 0.0, 1.0, 0.0]


@pytest.mark.parametrize(
    "line", ["ANSWER: B", "answer:B", "Answer :  B", "ANSWER:\tb", "ANSWER: B)"]
)
def test_answer_line_is_case_and_whitespace_tolerant(line):
    (question,) = parse_ok(f"Q\nA) x\nB) y\n{line}")
    assert [a.fraction for a in question.answers] == [0.0, 1.0]


@pytest.mark.parametrize("label", ["A) ", "A. ", "A)", "A.", "A)   "])
def test_choice_label_forms_and_optional_space(label):
    (question,) = parse_ok(f"Q\n{label}first\nB) second\nANSWER: A")
    assert [a.text for a in question.answers] == ["first", "second"]


def test_question_text_over_several_lines_is_joined_with_spaces():
    (question,) = parse_ok(
        "Which of these\n   is a fruit\nthat grows on trees?\nA) apple\nB) carrot\nANSWER: A"
    )
    assert question.text == "Which of these is a fruit that grows on trees?"
    assert question.name == "Which of these is a fruit that grows on trees?"


def test_blank_lines_between_questions_are_optional():
    questions = parse_ok("Q1\nA) a\nB) b\nANSWER: A\nQ2\nA) c\nB) d\nANSWER: B\n")
    assert [q.text for q in questions] == ["Q1", "Q2"]
    assert [q.line for q in questions] == [1, 5]


def test_blank_lines_inside_a_question_are_ignored():
    (question,) = parse_ok("\n\nQ\n\nA) a\n\nB) b\n\nANSWER: B\n\n")
    assert question.line == 3
    assert [a.text for a in question.answers] == ["a", "b"]


def test_text_and_choices_are_html_escaped():
    (question,) = parse_ok('Is 1 < 2 & "true"?\nA) <b>yes</b>\nB) no & never\nANSWER: A')
    assert question.format == "html"
    assert question.text == 'Is 1 &lt; 2 &amp; "true"?'
    assert [a.text for a in question.answers] == ["&lt;b&gt;yes&lt;/b&gt;", "no &amp; never"]
    assert question.name == 'Is 1 < 2 & "true"?'


def test_long_question_name_is_cut_on_a_word_boundary():
    text = (
        "In which year did the first person walk on the surface of the Moon "
        "during the Apollo programme?"
    )
    (question,) = parse_ok(f"{text}\nA) 1969\nB) 1972\nANSWER: A")
    assert question.text == text
    assert (
        question.name
        == "In which year did the first person walk on the surface of the Moon during the"
    )


def test_default_category_is_applied():
    questions = parse_ok(SAMPLE, default_category="Imported/Aiken")
    assert {q.category for q in questions} == {"Imported/Aiken"}


def test_persian_question():
    source = "پایتخت ایران کدام شهر است؟\nA) تهران\nB) اصفهان\nC) شیراز\nANSWER: A\n"
    (question,) = parse_ok(source)
    assert question.text == "پایتخت ایران کدام شهر است؟"
    assert question.name == "پایتخت ایران کدام شهر است؟"
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("تهران", 1.0),
        ("اصفهان", 0.0),
        ("شیراز", 0.0),
    ]


def test_crlf_and_bom():
    source = "\ufeffQ1\r\nA) a\r\nB) b\r\nANSWER: B\r\n\r\nQ2\r\nA) c\r\nB) d\r\nANSWER: A\r\n"
    questions = parse_ok(source)
    assert [q.text for q in questions] == ["Q1", "Q2"]
    assert [q.line for q in questions] == [1, 6]
    assert questions[0].answers[1].fraction == 1.0


def test_empty_file():
    result = parse_aiken("")
    assert result.ok
    assert result.questions == []


# --------------------------------------------------------------------------- errors


def test_choice_before_any_question():
    assert messages("A) orphan\nQ\nA) a\nB) b\nANSWER: A") == [
        "line 1: Question not started: this line comes before any question text"
    ]


def test_answer_before_any_question():
    assert messages("Q\nA) a\nB) b\nANSWER: A\n\nANSWER: B") == [
        "line 6: Question not started: this line comes before any question text"
    ]


def test_question_needs_two_choices():
    result = parse_aiken("\nOnly one choice?\nA) lonely\nANSWER: A\n")
    assert result.questions == []
    assert result.errors == [ParseIssue(2, "Question must have at least 2 choices")]


def test_question_without_choices():
    assert messages("No choices at all\nANSWER: A") == [
        "line 1: Question must have at least 2 choices"
    ]


def test_next_question_starting_before_answer_line():
    result = parse_aiken("Q1\nA) a\nB) b\nQ2\nA) c\nB) d\nANSWER: B")
    assert [str(e) for e in result.errors] == [
        "line 1: Question not completed: no ANSWER line before the next question starts on line 4"
    ]
    assert [q.text for q in result.questions] == ["Q2"]
    assert result.questions[0].line == 4


def test_answer_letter_not_among_choices():
    assert messages("Q\nA) a\nB) b\nANSWER: D") == [
        "line 4: ANSWER letter 'D' is not among the choices (A, B)"
    ]


def test_answer_line_without_a_single_letter():
    assert messages("Q\nA) a\nB) b\nANSWER: AB") == [
        "line 4: ANSWER must give the letter of one choice, e.g. 'ANSWER: B'; got 'AB'"
    ]
    assert messages("Q\nA) a\nB) b\nANSWER:") == [
        "line 4: ANSWER must give the letter of one choice, e.g. 'ANSWER: B'; got ''"
    ]


def test_duplicate_choice_label():
    result = parse_aiken("Q\nA) a\nB) b\nB) again\nANSWER: A")
    assert result.questions == []
    assert [str(e) for e in result.errors] == ["line 4: Duplicate choice label 'B'"]


def test_empty_choice_text():
    assert messages("Q\nA)\nB) b\nANSWER: B") == ["line 2: Choice A has no text"]


def test_file_ending_before_answer_line():
    result = parse_aiken("Q1\nA) a\nB) b\nANSWER: A\n\nQ2\nA) c\nB) d\n")
    assert [q.text for q in result.questions] == ["Q1"]
    assert [str(e) for e in result.errors] == [
        "line 6: Question not completed: the file ends before its ANSWER line"
    ]


def test_file_mixing_good_and_bad_questions_reports_every_error_in_line_order():
    source = "\n".join(
        [
            "A) orphan choice",  # 1
            "Good one",  # 2
            "A) a",  # 3
            "B) b",  # 4
            "ANSWER: B",  # 5
            "",  # 6
            "Unfinished",  # 7
            "A) a",  # 8
            "B) b",  # 9
            "Wrong letter",  # 10
            "A) a",  # 11
            "A) a again",  # 12
            "ANSWER: C",  # 13
            "Good two",  # 14
            "A) x",  # 15
            "B) y",  # 16
            "C) z",  # 17
            "ANSWER: c",  # 18
            "Too few",  # 19
            "A) only",  # 20
            "ANSWER: A",  # 21
            "Never answered",  # 22
            "A) a",  # 23
        ]
    )
    result = parse_aiken(source)
    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "line 1: Question not started: this line comes before any question text",
        "line 7: Question not completed: no ANSWER line before the next question starts on line 10",
        "line 12: Duplicate choice label 'A'",
        "line 13: ANSWER letter 'C' is not among the choices (A)",
        "line 19: Question must have at least 2 choices",
        "line 22: Question not completed: the file ends before its ANSWER line",
    ]
    assert [(q.text, q.line) for q in result.questions] == [("Good one", 2), ("Good two", 14)]
    assert [a.fraction for a in result.questions[1].answers] == [0.0, 0.0, 1.0]


# --------------------------------------------------------------------------- exporting


def test_to_aiken_writes_labels_and_answer_line():
    question = multichoice("Capital of France?", ["Berlin", "Paris", "Rome"], correct=1)
    assert to_aiken([question]) == "Capital of France?\nA) Berlin\nB) Paris\nC) Rome\nANSWER: B\n"


def test_to_aiken_separates_questions_with_a_blank_line():
    questions = [multichoice("Q1", ["a", "b"], 0), multichoice("Q2", ["c", "d"], 1)]
    assert to_aiken(questions) == "Q1\nA) a\nB) b\nANSWER: A\n\nQ2\nA) c\nB) d\nANSWER: B\n"


def test_to_aiken_unescapes_html_and_flattens_line_breaks():
    question = multichoice("Is 1 &lt; 2\n&amp; true?", ["&lt;yes&gt;", "no"], correct=0)
    assert to_aiken([question]) == "Is 1 < 2 & true?\nA) <yes>\nB) no\nANSWER: A\n"


def test_to_aiken_accepts_twenty_six_choices():
    question = multichoice("Letters", [f"choice {i}" for i in range(26)], correct=25)
    exported = to_aiken([question])
    assert "Z) choice 25\nANSWER: Z\n" in exported
    assert parse_aiken(exported).questions[0].to_dict() == parse_ok(exported)[0].to_dict()


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (ParsedQuestion(type="truefalse", name="tf", text="t", correct=True), "single-answer"),
        (
            ParsedQuestion(
                type="multichoice",
                name="multi",
                text="t",
                single=False,
                answers=[choice("a", 0.5), choice("b", 0.5)],
            ),
            "single-answer",
        ),
        (multichoice("too many", [str(i) for i in range(27)], 0), "between 2 and 26"),
        (multichoice("too few", ["a"], 0), "between 2 and 26"),
        (
            ParsedQuestion(
                type="multichoice",
                name="partial",
                text="t",
                answers=[choice("a", 1.0), choice("b", 0.5)],
            ),
            "exactly one choice",
        ),
        (
            ParsedQuestion(
                type="multichoice",
                name="none right",
                text="t",
                answers=[choice("a"), choice("b")],
            ),
            "exactly one choice",
        ),
        (
            ParsedQuestion(
                type="multichoice",
                name="two right",
                text="t",
                answers=[choice("a", 1.0), choice("b", 1.0)],
            ),
            "exactly one choice",
        ),
        (multichoice("A) looks like a choice", ["a", "b"], 0), "question text"),
        (multichoice("  ", ["a", "b"], 0), "question text"),
        (multichoice("Q", ["a", " "], 0), "choice B is empty"),
    ],
)
def test_to_aiken_rejects_questions_it_cannot_express(question, reason):
    with pytest.raises(ValueError, match=reason) as excinfo:
        to_aiken([question])
    assert question.name in str(excinfo.value)


def test_round_trip_of_parsed_questions():
    source = (
        SAMPLE
        + '\nIs 1 < 2 & "true"?\nwith a second line\nA) <b>yes</b>\nB.no & never\nANSWER: b\n'
        + "\nپایتخت ایران کدام شهر است؟\nA) تهران\nB) اصفهان\nANSWER: B\n"
    )
    first = parse_aiken(source, default_category="Cat")
    assert first.errors == []
    second = parse_aiken(to_aiken(first.questions), default_category="Cat")
    assert second.errors == []
    assert [q.to_dict() for q in second.questions] == [q.to_dict() for q in first.questions]


def test_gift_single_choice_questions_export_to_aiken():
    gift = parse_gift("::Grant::Who's buried in Grant's tomb?{~Grant =Ulysses S. Grant ~no one}")
    exported = to_aiken(gift.questions)
    assert (
        exported
        == "Who's buried in Grant's tomb?\nA) Grant\nB) Ulysses S. Grant\nC) no one\nANSWER: B\n"
    )
    (question,) = parse_ok(exported)
    assert [(a.text, a.fraction) for a in question.answers] == [
        ("Grant", 0.0),
        ("Ulysses S. Grant", 1.0),
        ("no one", 0.0),
    ]
