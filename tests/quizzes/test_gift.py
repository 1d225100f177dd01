"""GIFT parser and exporter (pure functions, no database)."""

from pathlib import Path

import pytest
from django.utils import translation

from quizzes.formats.gift import parse_gift, to_gift
from quizzes.formats.parsed import (
    ParsedAnswer,
    ParsedPair,
    ParsedQuestion,
    ParseIssue,
    ParseResult,
)


@pytest.fixture(autouse=True)
def english():
    """These tests read the parser's and grader's messages in English (the msgids)."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gift"


def parse_one(source: str, **kwargs) -> ParsedQuestion:
    result = parse_gift(source, **kwargs)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def answers(question: ParsedQuestion) -> list[tuple]:
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


def single_error(source: str) -> ParseIssue:
    result = parse_gift(source)
    assert result.questions == []
    assert len(result.errors) == 1
    return result.errors[0]


def round_trip(source: str, **kwargs) -> tuple[list[dict], list[dict]]:
    first = parse_gift(source, **kwargs)
    assert first.errors == []
    exported = to_gift(first.questions)
    second = parse_gift(exported)
    assert second.errors == [], exported
    return [q.to_dict() for q in first.questions], [q.to_dict() for q in second.questions]


# --------------------------------------------------------------------------- data model


def test_parse_result_is_ok_only_without_errors():
    assert ParseResult(questions=[], errors=[]).ok
    assert not ParseResult(questions=[], errors=[ParseIssue(3, "boom")]).ok


def test_parse_issue_str_names_the_line():
    assert str(ParseIssue(12, "Could not find {...} around answers")) == (
        "line 12: Could not find {...} around answers"
    )


def test_to_dict_keys_depend_on_type():
    common = ["type", "name", "text", "format", "category", "general_feedback", "tags", "idnumber"]
    extra = {
        "multichoice": ["single", "answers"],
        "truefalse": ["correct", "feedback_true", "feedback_false"],
        "shortanswer": ["answers"],
        "numerical": ["answers"],
        "match": ["pairs"],
        "essay": [],
        "description": [],
    }
    for kind, keys in extra.items():
        question = ParsedQuestion(type=kind, name="n", text="t", correct=False, line=7)
        assert list(question.to_dict()) == common + keys
        assert "line" not in question.to_dict()


def test_answer_to_dict_has_tolerance_only_for_numerical_answers():
    assert ParsedAnswer("Grant", 1).to_dict() == {"text": "Grant", "fraction": 1.0, "feedback": ""}
    assert ParsedAnswer("3", 1.0, "ok", tolerance=2).to_dict() == {
        "text": "3",
        "fraction": 1.0,
        "feedback": "ok",
        "tolerance": 2.0,
    }


def test_to_dict_json_shape_for_numerical_and_match():
    numerical = parse_one("Q {#1822:5 ~#Nope}").to_dict()
    assert numerical["answers"] == [
        {"text": "1822", "fraction": 1.0, "feedback": "", "tolerance": 5.0},
        {"text": "*", "fraction": 0.0, "feedback": "Nope", "tolerance": 0.0},
    ]
    match = parse_one("Q {=a -> 1 =b -> 2}").to_dict()
    assert match["pairs"] == [
        {"subquestion": "a", "answer": "1"},
        {"subquestion": "b", "answer": "2"},
    ]
    assert isinstance(numerical["answers"][0]["fraction"], float)


# --------------------------------------------------------------------------- multiple choice


def test_moodle_doc_multiple_choice_grants_tomb():
    question = parse_one("Who's buried in Grant's tomb?{~Grant =Grant ~no one}")
    assert question.type == "multichoice"
    assert question.single is True
    assert question.text == "Who's buried in Grant's tomb?"
    assert question.name == "Who's buried in Grant's tomb?"
    assert question.format == "moodle"
    assert answers(question) == [("Grant", 0.0, ""), ("Grant", 1.0, ""), ("no one", 0.0, "")]


def test_moodle_doc_missing_word_block_in_middle_becomes_blank():
    question = parse_one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.type == "multichoice"
    assert question.text == "Grant is _____ in Grant's tomb."
    assert answers(question) == [("buried", 0.0, ""), ("entombed", 1.0, ""), ("living", 0.0, "")]


def test_block_followed_only_by_a_full_stop_still_leaves_a_blank():
    question = parse_one("The capital of France is {=Paris ~Lyon}.")
    assert question.text == "The capital of France is _____."


def test_moodle_doc_multiple_response_with_negative_weights():
    question = parse_one(
        "What two people are entombed in Grant's tomb? "
        "{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's father }"
    )
    assert question.type == "multichoice"
    assert question.single is False
    assert [a.fraction for a in question.answers] == [-1.0, 0.5, 0.5, -1.0]
    assert question.answers[2].text == "Grant's wife"


def test_multichoice_without_equals_is_multiple_response_even_with_a_full_weight():
    question = parse_one("Pick one {~%100%right ~wrong}")
    assert question.single is False
    assert answers(question) == [("right", 1.0, ""), ("wrong", 0.0, "")]


def test_multichoice_with_equals_is_single_and_keeps_partial_credit():
    question = parse_one("Best answer? {=best ~%50%close ~far}")
    assert question.single is True
    assert [a.fraction for a in question.answers] == [1.0, 0.5, 0.0]


def test_weighted_equals_answer_in_multichoice():
    question = parse_one("Q {=%75%mostly ~wrong}")
    assert question.single is True
    assert answers(question) == [("mostly", 0.75, ""), ("wrong", 0.0, "")]


def test_fractional_weights_are_divided_by_a_hundred():
    question = parse_one("Primes? {~%33.33333%2 ~%33.33333%3 ~%33.33334%5 ~%-33.33333%4}")
    assert [a.fraction for a in question.answers] == [0.3333333, 0.3333333, 0.3333334, -0.3333333]


def test_multichoice_answer_feedback():
    question = parse_one(
        "What's between orange and green in the spectrum? "
        "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }"
    )
    assert answers(question) == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),
        ("blue", 0.0, "wrong, it's yellow"),
    ]


def test_multichoice_answers_may_span_lines():
    question = parse_one("::Colours::What colour is the sky? {\n    =blue\n    ~green\n    ~red\n}")
    assert question.name == "Colours"
    assert answers(question) == [("blue", 1.0, ""), ("green", 0.0, ""), ("red", 0.0, "")]


def test_text_before_the_first_marker_is_a_wrong_answer_like_moodle():
    question = parse_one("Q {maybe ~no =yes}")
    assert answers(question) == [("maybe", 0.0, ""), ("no", 0.0, ""), ("yes", 1.0, "")]


def test_general_feedback_after_four_hashes():
    question = parse_one("Q {=a ~b ####Everyone should know this.}")
    assert question.general_feedback == "Everyone should know this."
    assert answers(question) == [("a", 1.0, ""), ("b", 0.0, "")]


def test_answer_feedback_and_general_feedback_together():
    question = parse_one("Q {=a#Yes ~b#No ####General}")
    assert answers(question) == [("a", 1.0, "Yes"), ("b", 0.0, "No")]
    assert question.general_feedback == "General"


# --------------------------------------------------------------------------- true/false


def test_moodle_doc_true_false_f():
    question = parse_one("Grant is buried in Grant's tomb.{F}")
    assert question.type == "truefalse"
    assert question.correct is False
    assert question.text == "Grant is buried in Grant's tomb."
    assert question.answers == []


@pytest.mark.parametrize(
    ("word", "correct"),
    [("T", True), ("TRUE", True), ("F", False), ("FALSE", False), ("true", True), ("false", False)],
)
def test_true_false_words(word, correct):
    question = parse_one(f"The sun rises in the east.{{{word}}}")
    assert question.type == "truefalse"
    assert question.correct is correct


def test_lowercase_single_letter_is_a_short_answer_not_true_false():
    question = parse_one("Which letter? {t}")
    assert question.type == "shortanswer"
    assert answers(question) == [("t", 1.0, "")]


def test_true_false_first_feedback_is_for_the_wrong_response():
    question = parse_one("The sun rises in the east.{TRUE#Look outside tomorrow.#Yes, it does.}")
    assert question.correct is True
    assert question.feedback_false == "Look outside tomorrow."
    assert question.feedback_true == "Yes, it does."


def test_false_question_feedback_goes_to_the_opposite_answers():
    question = parse_one("Grant is buried in Grant's tomb.{F#No, he is entombed.#Right!}")
    assert question.correct is False
    assert question.feedback_true == "No, he is entombed."
    assert question.feedback_false == "Right!"


def test_true_false_with_general_feedback():
    question = parse_one("Two is even.{T####Divisible by two.}")
    assert question.type == "truefalse"
    assert question.correct is True
    assert question.general_feedback == "Divisible by two."


# --------------------------------------------------------------------------- short answer


def test_moodle_doc_short_answer_several_right_answers():
    question = parse_one("Who's buried in Grant's tomb?{=Grant =Ulysses S. Grant =Ulysses Grant}")
    assert question.type == "shortanswer"
    assert answers(question) == [
        ("Grant", 1.0, ""),
        ("Ulysses S. Grant", 1.0, ""),
        ("Ulysses Grant", 1.0, ""),
    ]


def test_moodle_doc_short_answer_missing_word():
    question = parse_one("Two plus two equals {=four =4}.")
    assert question.type == "shortanswer"
    assert question.text == "Two plus two equals _____."
    assert [a.text for a in question.answers] == ["four", "4"]


def test_short_answer_weights_feedback_and_wildcard():
    question = parse_one("Capital of Iran? {=Tehran =%50%Teheran#Old spelling =%0%*#Try again}")
    assert answers(question) == [
        ("Tehran", 1.0, ""),
        ("Teheran", 0.5, "Old spelling"),
        ("*", 0.0, "Try again"),
    ]


def test_short_answer_without_equals_sign_is_accepted_like_moodle():
    question = parse_one("Two plus two? {four}")
    assert question.type == "shortanswer"
    assert answers(question) == [("four", 1.0, "")]


# --------------------------------------------------------------------------- matching


def test_moodle_doc_matching():
    question = parse_one(
        "Match the following countries with their corresponding capitals. "
        "{ =Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo =India -> New Delhi }"
    )
    assert question.type == "match"
    assert question.text == "Match the following countries with their corresponding capitals."
    assert question.pairs == [
        ParsedPair("Canada", "Ottawa"),
        ParsedPair("Italy", "Rome"),
        ParsedPair("Japan", "Tokyo"),
        ParsedPair("India", "New Delhi"),
    ]
    assert question.answers == []


def test_matching_pair_with_empty_left_side_is_a_distractor():
    question = parse_one("Match: {=cat -> chat =dog -> chien = -> oiseau}")
    assert question.pairs[-1] == ParsedPair("", "oiseau")


def test_matching_with_general_feedback_over_several_lines():
    question = parse_one("Match:{\n=1 -> one\n=2 -> two\n####Numbers in English.\n}")
    assert [(p.subquestion, p.answer) for p in question.pairs] == [("1", "one"), ("2", "two")]
    assert question.general_feedback == "Numbers in English."


# --------------------------------------------------------------------------- numerical


def test_moodle_doc_numerical_with_tolerance():
    question = parse_one("When was Ulysses S. Grant born?{#1822:5}")
    assert question.type == "numerical"
    assert question.answers == [ParsedAnswer("1822", 1.0, "", tolerance=5.0)]


def test_moodle_doc_numerical_range_is_stored_as_midpoint_and_half_width():
    question = parse_one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    assert question.text == "What is the value of pi (to 3 decimal places)? _____."
    assert question.answers == [ParsedAnswer("3.1415", 1.0, "", tolerance=0.0005)]


def test_integral_range_midpoint_has_no_trailing_zero():
    question = parse_one("Pick a number from 1 to 5 {#1..5}")
    assert question.answers[0].text == "3"
    assert question.answers[0].tolerance == 2.0


def test_moodle_doc_numerical_multiple_graded_answers():
    question = parse_one(
        "When was Ulysses S. Grant born? {# =1822:0 # Correct! Full credit. "
        "=%50%1822:2 # He was born in 1822. Half credit for being close. }"
    )
    assert question.answers == [
        ParsedAnswer("1822", 1.0, "Correct! Full credit.", tolerance=0.0),
        ParsedAnswer(
            "1822", 0.5, "He was born in 1822. Half credit for being close.", tolerance=2.0
        ),
    ]


def test_numerical_plain_value_has_zero_tolerance():
    question = parse_one("Two plus two? {#4}")
    assert question.answers == [ParsedAnswer("4", 1.0, "", tolerance=0.0)]


@pytest.mark.parametrize(
    ("block", "text", "tolerance"),
    [
        ("#-3:1", "-3", 1.0),
        ("#-5..-1", "-3", 2.0),
        ("#-2..3", "0.5", 2.5),
        ("#-0.5", "-0.5", 0.0),
        ("#=-12:0.25", "-12", 0.25),
        ("#2.5e3:1e1", "2500", 10.0),
    ],
)
def test_numerical_negative_numbers_and_ranges(block, text, tolerance):
    question = parse_one(f"Q {{{block}}}")
    assert question.answers[0].text == text
    assert question.answers[0].tolerance == tolerance


def test_numerical_catch_all_answer_for_wrong_feedback():
    question = parse_one("Q {#=42:0#Right ~#Not even close}")
    assert question.answers == [
        ParsedAnswer("42", 1.0, "Right", tolerance=0.0),
        ParsedAnswer("*", 0.0, "Not even close", tolerance=0.0),
    ]


def test_numerical_multiline_with_general_feedback():
    question = parse_one("::Sum::1 + 1 = ?{#\n=2\n=%50%2:1#Close\n####Basic arithmetic.\n}")
    assert question.general_feedback == "Basic arithmetic."
    assert [(a.text, a.fraction, a.tolerance) for a in question.answers] == [
        ("2", 1.0, 0.0),
        ("2", 0.5, 1.0),
    ]


def test_numerical_accepts_persian_digits():
    question = parse_one("سال؟ {#۱۸۲۲:۵}")
    assert question.answers[0].text == "1822"
    assert question.answers[0].tolerance == 5.0


# --------------------------------------------------------------------------- essay, description


def test_empty_braces_make_an_essay():
    question = parse_one("::Essay::Write a short biography of Dag Hammarskjöld. {}")
    assert question.type == "essay"
    assert question.text == "Write a short biography of Dag Hammarskjöld."
    assert question.to_dict()["general_feedback"] == ""


def test_essay_with_general_feedback():
    question = parse_one("Describe your day.{####Look for past tense verbs.}")
    assert question.type == "essay"
    assert question.general_feedback == "Look for past tense verbs."


def test_no_braces_make_a_description():
    question = parse_one("::Intro::You can use your pencil and paper for these next questions.")
    assert question.type == "description"
    assert question.name == "Intro"
    assert question.text == "You can use your pencil and paper for these next questions."
    assert question.answers == []


# --------------------------------------------------------------------------- names


def test_title_between_double_colons_is_the_name():
    question = parse_one("::  Grant's tomb  ::  Who is buried here?{=Grant ~nobody}")
    assert question.name == "Grant's tomb"
    assert question.text == "Who is buried here?"


def test_name_derived_from_text_without_html_and_extra_whitespace():
    question = parse_one("[html]<p>What   is <b>2&amp;2</b>?</p>{=4 ~5}")
    assert question.name == "What is 2&2?"
    assert question.text == "<p>What   is <b>2&amp;2</b>?</p>"


def test_long_derived_name_is_cut_on_a_word_boundary():
    text = "Which of the following statements about the French Revolution of 1789 is true and why?"
    question = parse_one(text + "{T}")
    assert (
        question.name
        == "Which of the following statements about the French Revolution of 1789 is true"
    )
    assert len(question.name) <= 80


def test_long_derived_name_without_spaces_is_cut_at_eighty_characters():
    question = parse_one("x" * 120 + "{T}")
    assert question.name == "x" * 80


def test_name_falls_back_to_question_when_there_is_no_text():
    question = parse_one("{=a ~b}")
    assert question.name == "Question"
    assert question.text == ""


def test_empty_title_falls_back_to_the_text():
    question = parse_one("::::Capital of Italy?{=Rome ~Milan}")
    assert question.name == "Capital of Italy?"


def test_missing_word_derived_name_contains_the_blank():
    assert parse_one("Grant is {=entombed ~buried} here.").name == "Grant is _____ here."


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", ["html", "markdown", "plain", "moodle"])
def test_format_marker_at_start_of_text(fmt):
    question = parse_one(f"::Title::[{fmt}]Some *text*{{=a ~b}}")
    assert question.format == fmt
    assert question.text == "Some *text*"


def test_html_format_keeps_markup():
    question = parse_one("::Q::[html]<p>Who is <i>buried</i>?</p>{=Grant ~nobody}")
    assert question.format == "html"
    assert question.text == "<p>Who is <i>buried</i>?</p>"


def test_format_marker_only_recognised_at_the_start():
    question = parse_one("::Q::Some [html] text{T}")
    assert question.format == "moodle"
    assert question.text == "Some [html] text"


def test_unknown_format_marker_is_left_in_the_text():
    question = parse_one("::Q::[latex]x^2{T}")
    assert question.format == "moodle"
    assert question.text == "[latex]x^2"


def test_format_markers_are_stripped_from_answers_and_feedback():
    question = parse_one("::Q::[html]Pick{=[html]<b>a</b>#[html]<i>yes</i> ~b ####[markdown]*gf*}")
    assert question.answers[0].text == "<b>a</b>"
    assert question.answers[0].feedback == "<i>yes</i>"
    assert question.general_feedback == "*gf*"


def test_format_marker_stripped_from_true_false_feedback():
    question = parse_one("Q{T#[html]<b>wrong</b>#[plain]right}")
    assert question.feedback_false == "<b>wrong</b>"
    assert question.feedback_true == "right"


# --------------------------------------------------------------------------- escapes


def test_all_escaped_characters_are_literal_in_text():
    question = parse_one(r"::A\:B::Escapes \~ \= \# \{ \} \: and \\ done{T}")
    assert question.name == "A:B"
    assert question.text == "Escapes ~ = # { } : and \\ done"


def test_escaped_newline_becomes_a_line_break():
    question = parse_one(r"First line\nSecond line{T}")
    assert question.text == "First line\nSecond line"


def test_double_backslash_before_n_is_a_backslash_and_an_n():
    question = parse_one(r"C\:\\new\\notes{T}")
    assert question.text == "C:\\new\\notes"


def test_lone_backslash_before_other_character_is_kept():
    question = parse_one(r"Path a\b and \x{T}")
    assert question.text == "Path a\\b and \\x"


def test_escaped_brace_in_text_is_not_the_answer_block():
    question = parse_one(r"Set notation \{1, 2\} is used{=yes ~no}")
    assert question.type == "multichoice"
    assert question.text == "Set notation {1, 2} is used"


def test_escaped_characters_inside_answers_and_feedback():
    question = parse_one(r"Q{=a \= b#c \# d ~x \~ y#\{fb\} ~2\:1}")
    assert answers(question) == [("a = b", 1.0, "c # d"), ("x ~ y", 0.0, "{fb}"), ("2:1", 0.0, "")]


def test_escaped_equals_does_not_make_multichoice_single():
    question = parse_one(r"Q{~%50%1 \= 1 ~%50%2 \= 2}")
    assert question.single is False
    assert [a.text for a in question.answers] == ["1 = 1", "2 = 2"]


def test_escaped_hash_does_not_start_general_feedback():
    question = parse_one(r"Q{=a ~b\#\#\#\#c}")
    assert question.general_feedback == ""
    assert question.answers[1].text == "b####c"


def test_escaped_tilde_keeps_a_short_answer_short():
    question = parse_one(r"Approximately? {=\~5}")
    assert question.type == "shortanswer"
    assert question.answers[0].text == "~5"


def test_escaped_colon_in_numerical_is_not_a_tolerance():
    error = single_error(r"Q{#5\:1}")
    assert error.message == "Numerical answer is not a number: '5:1'"


# --------------------------------------------------------------------------- comments, tags, id


def test_comment_lines_are_dropped():
    source = "// This is a comment\n// another one\nQ{T}\n// trailing comment"
    question = parse_one(source)
    assert question.text == "Q"
    assert question.line == 3


def test_comment_line_inside_answer_block_is_dropped():
    question = parse_one("Q{\n=a\n// ~b is not an answer\n~c\n}")
    assert [a.text for a in question.answers] == ["a", "c"]


def test_file_with_only_comments_has_no_questions():
    result = parse_gift("// nothing\n\n   // here either\n")
    assert result.questions == []
    assert result.errors == []


def test_tags_and_idnumber_from_comments():
    source = "// [id:q-42] [tag:  history ] [tag:grant]\n// [tag:tombs]\nWho?{=Grant ~Lee}"
    question = parse_one(source)
    assert question.idnumber == "q-42"
    assert question.tags == ["history", "grant", "tombs"]


def test_escaped_closing_bracket_in_tag_and_id():
    question = parse_one(r"// [id:a\]b] [tag:x\]y]" + "\nQ{T}")
    assert question.idnumber == "a]b"
    assert question.tags == ["x]y"]


def test_tag_split_across_comment_lines_is_ignored():
    question = parse_one("// [tag:broken\n// tag] [tag:fine]\nQ{T}")
    assert question.tags == ["fine"]


def test_first_idnumber_wins_and_duplicate_tags_are_dropped():
    question = parse_one("// [id:one] [id:two] [tag:a] [tag:a]\nQ{T}")
    assert question.idnumber == "one"
    assert question.tags == ["a"]


def test_tags_in_question_text_are_not_tags():
    question = parse_one("Q [tag:x] {T}")
    assert question.tags == []
    assert question.text == "Q [tag:x]"


# --------------------------------------------------------------------------- categories


def test_category_applies_to_following_questions():
    source = (
        "Before{T}\n\n"
        "$CATEGORY: $course$/Default for History\n\n"
        "After 1{T}\n\n"
        "After 2{F}\n\n"
        "$CATEGORY:   Geography [id:geo-1]  \n\n"
        "Last{T}"
    )
    result = parse_gift(source, default_category="Imported")
    assert result.errors == []
    assert [q.category for q in result.questions] == [
        "Imported",
        "$course$/Default for History",
        "$course$/Default for History",
        "Geography",
    ]


def test_default_category_is_empty_by_default():
    assert parse_one("Q{T}").category == ""


def test_empty_category_line_returns_to_the_default_category():
    result = parse_gift("$CATEGORY: A\n\nQ1{T}\n\n$CATEGORY:\n\nQ2{T}", default_category="Base")
    assert [q.category for q in result.questions] == ["A", "Base"]


def test_question_directly_under_category_line_is_not_lost():
    result = parse_gift("$CATEGORY: Maths\n::Sum::1+1{#2}")
    assert result.errors == []
    assert result.questions[0].category == "Maths"
    assert result.questions[0].name == "Sum"
    assert result.questions[0].line == 2


# --------------------------------------------------------------------------- file handling


def test_multi_line_question_text_keeps_its_line_breaks():
    question = parse_one("::Long::This question\nspans three\nlines.{=yes ~no}")
    assert question.text == "This question\nspans three\nlines."
    assert question.name == "Long"


def test_questions_are_separated_by_blank_lines_and_remember_their_line():
    source = "\n\nQ1{T}\n\n\n// comment\nQ2{F}\n   \nQ3{}\n"
    result = parse_gift(source)
    assert [(q.text, q.line) for q in result.questions] == [("Q1", 3), ("Q2", 7), ("Q3", 9)]


def test_crlf_line_endings():
    source = "// [tag:win]\r\n::A::Q1{\r\n=yes\r\n~no\r\n}\r\n\r\n::B::Q2{T}\r\n"
    result = parse_gift(source)
    assert result.errors == []
    assert [q.name for q in result.questions] == ["A", "B"]
    assert [a.text for a in result.questions[0].answers] == ["yes", "no"]
    assert result.questions[0].tags == ["win"]
    assert result.questions[1].line == 7


def test_utf8_bom_is_ignored():
    question = parse_one("\ufeff$CATEGORY: X\n\n::A::Q{T}")
    assert question.category == "X"
    assert question.name == "A"


def test_persian_questions():
    source = (
        "// [tag:جغرافیا]\n"
        "::پایتخت ایران::پایتخت ایران کدام شهر است؟{=تهران#درست است ~اصفهان#نادرست ~شیراز}\n"
        "\n"
        "تهران پایتخت ایران است.{T#نادرست#درست}\n"
        "\n"
        "حافظ در شهر {=شیراز =%50%فارس} به دنیا آمد."
    )
    result = parse_gift(source, default_category="پیش‌فرض")
    assert result.errors == []
    mc, tf, short = result.questions
    assert mc.name == "پایتخت ایران"
    assert mc.tags == ["جغرافیا"]
    assert answers(mc) == [
        ("تهران", 1.0, "درست است"),
        ("اصفهان", 0.0, "نادرست"),
        ("شیراز", 0.0, ""),
    ]
    assert tf.type == "truefalse"
    assert tf.name == "تهران پایتخت ایران است."
    assert (tf.feedback_false, tf.feedback_true) == ("نادرست", "درست")
    assert short.text == "حافظ در شهر _____ به دنیا آمد."
    assert short.category == "پیش‌فرض"
    assert answers(short) == [("شیراز", 1.0, ""), ("فارس", 0.5, "")]


def test_empty_file_has_no_questions_and_no_errors():
    assert parse_gift("") == ParseResult(questions=[], errors=[])


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "source",
    ["Who is buried? {=Grant ~Lee", "Who is buried? =Grant ~Lee}", "Who } is buried? {=Grant"],
)
def test_unbalanced_braces(source):
    error = single_error(source)
    assert error == ParseIssue(1, "Could not find {...} around answers")


def test_multichoice_with_one_answer_is_not_enough():
    error = single_error("\n\nQ{~only one}")
    assert error == ParseIssue(3, "There are not enough answers for this question type")


def test_matching_with_one_pair_is_not_enough():
    error = single_error("Q{=a -> b}")
    assert error.message == "There are not enough answers for this question type"


def test_matching_pair_without_arrow():
    error = single_error("Q{=Canada -> Ottawa =Italy Rome}")
    assert error.message == "Matching question answers are improperly formatted"


def test_numerical_without_answers():
    for block in ("{#}", "{# }", "{#~#only wrong feedback}"):
        error = single_error("How many?" + block)
        assert error.message == "No answers found for numerical question"


def test_numerical_answer_not_a_number():
    error = single_error("How many?{#abc}")
    assert error.message == "Numerical answer is not a number: 'abc'"


@pytest.mark.parametrize("value", ["1..x", "x..1", "1,5", "inf", "nan", "1_000", "..5"])
def test_numerical_rejects_non_numbers(value):
    error = single_error(f"Q{{#{value}}}")
    assert error.message.startswith("Numerical answer is not a number:")


def test_numerical_tolerance_not_a_number():
    error = single_error("Q{#5:abc}")
    assert error.message == "Numerical tolerance is not a number: 'abc'"


def test_unknown_answer_weight():
    error = single_error("Q{=a ~%abc%b}")
    assert error.message == "Unknown answer weight: '%abc%'"


def test_weight_out_of_range():
    error = single_error("Q{~%150%a ~b}")
    assert error.message == "Answer weight must be between -100% and 100%: '%150%'"


def test_bad_weight_in_short_answer_and_numerical():
    assert single_error("Q{=%x%a}").message == "Unknown answer weight: '%x%'"
    assert single_error("Q{#=%5o%3}").message == "Unknown answer weight: '%5o%'"


def test_empty_answer_text():
    error = single_error("Q{=a ~ ~c}")
    assert error.message == "Answer 2 has no text"


def test_error_line_is_the_first_line_of_the_question_not_its_comment():
    source = "Good{T}\n\n// [tag:x]\n// comment\n::Bad::\nWho?\n{~one}"
    result = parse_gift(source)
    assert [q.name for q in result.questions] == ["Good"]
    assert result.errors == [ParseIssue(5, "There are not enough answers for this question type")]


def test_file_mixing_good_and_bad_questions_reports_every_error():
    source = (FIXTURES / "mixed_errors.txt").read_text(encoding="utf-8")
    result = parse_gift(source)
    assert not result.ok
    assert [str(error) for error in result.errors] == [
        "line 4: Could not find {...} around answers",
        "line 8: There are not enough answers for this question type",
        "line 12: Matching question answers are improperly formatted",
        "line 16: No answers found for numerical question",
        "line 18: Numerical answer is not a number: 'abc'",
        "line 20: Unknown answer weight: '%abc%'",
    ]
    assert [(q.name, q.line) for q in result.questions] == [
        ("Good 1", 1),
        ("Good 2", 6),
        ("Good 3", 10),
        ("Good 4", 14),
        ("Good 5", 24),
    ]


# --------------------------------------------------------------------------- exporter


def test_exporter_writes_categories_comments_names_and_blocks():
    questions = [
        ParsedQuestion(
            type="multichoice",
            name="Grant",
            text="Who's buried in Grant's tomb?",
            category="History",
            tags=["easy", "a]b"],
            idnumber="g-1",
            answers=[ParsedAnswer("Grant", 1.0, "Yes"), ParsedAnswer("Lee", 0.0)],
        ),
        ParsedQuestion(type="truefalse", name="Sun", text="Sun", category="History", correct=True),
        ParsedQuestion(type="essay", name="E", text="Write", category="Other", format="html"),
    ]
    assert to_gift(questions) == (
        "$CATEGORY: History\n"
        "\n"
        "// [id:g-1] [tag:easy] [tag:a\\]b]\n"
        "::Grant::Who's buried in Grant's tomb?{\n"
        "\t=Grant#Yes\n"
        "\t~Lee\n"
        "}\n"
        "\n"
        "::Sun::Sun{TRUE}\n"
        "\n"
        "$CATEGORY: Other\n"
        "\n"
        "::E::[html]Write{}\n"
    )


def test_exporter_accepts_any_iterable_and_empty_input():
    assert to_gift([]) == ""
    exported = to_gift(q for q in parse_gift("A{T}\n\nB{F}").questions)
    assert exported == "::A::A{TRUE}\n\n::B::B{FALSE}\n"


def test_exporter_escapes_special_characters_and_newlines():
    question = ParsedQuestion(
        type="description", name="a:b", text="x ~ = # { } : \\ y\nz", format="moodle"
    )
    assert to_gift([question]) == "::a\\:b::x \\~ \\= \\# \\{ \\} \\: \\\\ y\\nz\n"


def test_exporter_puts_block_in_place_of_the_blank():
    question = parse_one("Grant is {~buried =entombed} in Grant's tomb.")
    exported = to_gift([question])
    assert "::Grant is _____ in Grant's tomb.::Grant is {\n" in exported
    assert exported.endswith("} in Grant's tomb.\n")


def test_exporter_keeps_a_trailing_blank():
    question = ParsedQuestion(
        type="shortanswer", name="n", text="Finish: _____", answers=[ParsedAnswer("it", 1.0)]
    )
    assert parse_gift(to_gift([question])).questions[0].text == "Finish: _____"


def test_exporter_numerical_block():
    question = parse_one("Q{#=1822:0#Right =%50%1822:2#Close ~#Wrong}")
    assert to_gift([question]) == ("::Q::Q{#\n\t=1822#Right\n\t=%50%1822:2#Close\n\t~#Wrong\n}\n")


def test_exporter_true_false_feedback_order():
    question = ParsedQuestion(
        type="truefalse",
        name="n",
        text="t",
        correct=False,
        feedback_true="wrong one",
        feedback_false="right one",
        general_feedback="gf",
    )
    exported = to_gift([question])
    assert exported == "::n::t{FALSE#wrong one#right one ####gf}\n"
    assert parse_gift(exported).questions[0].to_dict() == question.to_dict()


def test_exported_single_choice_without_full_credit_answer_stays_single():
    question = ParsedQuestion(
        type="multichoice",
        name="n",
        text="t",
        single=True,
        answers=[ParsedAnswer("half", 0.5), ParsedAnswer("none", 0.0)],
    )
    again = parse_gift(to_gift([question])).questions[0]
    assert again.to_dict() == question.to_dict()


def test_exported_single_choice_where_every_answer_is_right_stays_multichoice():
    question = ParsedQuestion(
        type="multichoice",
        name="n",
        text="t",
        answers=[ParsedAnswer("yes", 1.0), ParsedAnswer("also yes", 1.0)],
    )
    again = parse_gift(to_gift([question])).questions[0]
    assert again.to_dict() == question.to_dict()


def test_exported_multiple_response_with_full_weight_stays_multiple():
    question = ParsedQuestion(
        type="multichoice",
        name="n",
        text="t",
        single=False,
        answers=[ParsedAnswer("right", 1.0), ParsedAnswer("wrong", 0.0)],
    )
    exported = to_gift([question])
    assert "\t~%100%right\n" in exported
    assert parse_gift(exported).questions[0].to_dict() == question.to_dict()


def test_exporter_protects_text_that_looks_like_weights_or_format_markers():
    question = ParsedQuestion(
        type="multichoice",
        name="n",
        text="[html] is literal here",
        answers=[
            ParsedAnswer("%5% of it", 1.0, "[plain] too"),
            ParsedAnswer("%other%", 0.0),
        ],
        general_feedback="[markdown]",
    )
    again = parse_gift(to_gift([question]))
    assert again.errors == []
    assert again.questions[0].to_dict() == question.to_dict()


def test_exporter_rejects_arrow_in_short_answer():
    question = ParsedQuestion(
        type="shortanswer", name="n", text="t", answers=[ParsedAnswer("a -> b", 1.0)]
    )
    with pytest.raises(ValueError, match="->"):
        to_gift([question])


def test_exporter_rejects_unknown_type():
    with pytest.raises(ValueError, match="cloze"):
        to_gift([ParsedQuestion(type="cloze", name="n", text="t")])


# --------------------------------------------------------------------------- round trips


def test_round_trip_of_fixture_with_every_question_type():
    source = (FIXTURES / "all_types.txt").read_text(encoding="utf-8")
    first, second = round_trip(source)
    assert first == second
    assert {q["type"] for q in first} == {
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "match",
        "essay",
        "description",
    }
    assert len(first) == 17


def test_fixture_parses_to_the_expected_details():
    result = parse_gift((FIXTURES / "all_types.txt").read_text(encoding="utf-8"))
    by_name = {q.name: q for q in result.questions}
    grant = by_name["Grant MC"]
    assert grant.category == "$course$/Grant's tomb"
    assert grant.idnumber == "grant-mc"
    assert grant.tags == ["history", "easy"]
    assert grant.general_feedback == "Grant\\Ulysses: see #42."
    assert grant.answers[0].feedback == "No, he is {entombed}."
    assert by_name["Graded numerical"].answers[-1] == ParsedAnswer(
        "*", 0.0, "Way off: try again.", tolerance=0.0
    )
    assert by_name["Intro"].text == "This part is about <American> presidents.\nRead carefully."
    assert by_name["Intro"].format == "plain"
    assert by_name["Essay"].format == "markdown"
    assert by_name["پایتخت"].category == "Persian"


def test_export_is_stable():
    source = (FIXTURES / "all_types.txt").read_text(encoding="utf-8")
    once = to_gift(parse_gift(source).questions)
    assert to_gift(parse_gift(once).questions) == once


@pytest.mark.parametrize(
    "source",
    [
        "Who's buried in Grant's tomb?{~Grant =Grant ~no one}",
        "Grant is {~buried =entombed ~living} in Grant's tomb.",
        "Grant is buried in Grant's tomb.{F}",
        "Who's buried in Grant's tomb?{=Grant =Ulysses S. Grant =Ulysses Grant}",
        "Two plus two equals {=four =4}.",
        "Match the following countries with their corresponding capitals. "
        "{ =Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo =India -> New Delhi }",
        "When was Ulysses S. Grant born?{#1822:5}",
        "What is the value of pi (to 3 decimal places)? {#3.141..3.142}.",
        "When was Ulysses S. Grant born? {# =1822:0 # Correct! Full credit. "
        "=%50%1822:2 # He was born in 1822. Half credit for being close. }",
        "What two people are entombed in Grant's tomb? "
        "{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's father }",
        "Q{T#wrong \\# one#right \\{one\\}####general \\: feedback}",
        "Q{F##only right}",
        "Q{#-5..-1 =%-50%7:0.5#no ~#catch all ####gf}",
        "Q{#=%0%*#anything goes =3}",
        "Q{=a -> 1 =b -> 2 = -> 3 ####gf}",
        "::T::[markdown]**bold** {=a#[html]<b>fb</b> ~b}",
        "::T::[html]<p>x</p>{}",
        "::Title \\: with \\{specials\\}::C\\:\\\\path\\nnext {=%33.33333%a =%-100%b}",
        "// [id:x\\]y] [tag:one] [tag:two]\n::N::Text {=yes}",
        "$CATEGORY: Tests\n\nA{T}\n\n$CATEGORY: Other\n\nB{F}\n\n$CATEGORY: Tests\n\nC{T}",
        "پایتخت ایران کدام شهر است؟{=تهران#درست ~اصفهان}",
        "Just some description text with a \\~tilde.",
    ],
)
def test_round_trip_keeps_every_field(source):
    first, second = round_trip(source, default_category="Start")
    assert first == second


def test_round_trip_of_constructed_questions_with_special_characters():
    questions = [
        ParsedQuestion(
            type="shortanswer",
            name="Ω :: name \\ with {braces}",
            text="Line 1\nLine 2 with = and ~ and # and :",
            format="plain",
            category="Cat / Sub",
            general_feedback="General\nfeedback ####",
            tags=["t1", "t 2"],
            idnumber="id-1",
            answers=[
                ParsedAnswer("a=b", 1.0, "fb #1"),
                ParsedAnswer("c~d", -0.5, "fb {2}"),
            ],
        ),
        ParsedQuestion(
            type="match",
            name="m",
            text="Match",
            pairs=[ParsedPair("x = y", "z # w"), ParsedPair("", "distractor :")],
        ),
    ]
    again = parse_gift(to_gift(questions))
    assert again.errors == []
    assert [q.to_dict() for q in again.questions] == [q.to_dict() for q in questions]
