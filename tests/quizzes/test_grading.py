"""Pure grading of quiz responses (quizzes.grading) and the cloze parser (quizzes.cloze)."""

import pytest
from django.utils import translation

from quizzes.cloze import ClozeError, parse_cloze
from quizzes.grading import (
    Choice,
    Gap,
    InvalidResponse,
    QuestionSpec,
    clean_response,
    correct_response,
    grade,
    spec_from_cloze,
)


@pytest.fixture(autouse=True)
def english():
    """These tests read the parser's and grader's messages in English (the msgids)."""
    with translation.override("en"):
        yield


# --- question builders --------------------------------------------------------------------


def single_choice():
    return QuestionSpec(
        "multichoice",
        (
            Choice(1, "Tehran", 1.0, "Right, Tehran is the capital."),
            Choice(2, "Isfahan", 0.0, "Isfahan was the capital long ago."),
            Choice(3, "Shiraz", -0.5, "No."),
            Choice(4, "Close", 0.5, "Almost."),
        ),
    )


def multiple_choice(negative=True):
    penalty = -0.5 if negative else 0.0
    return QuestionSpec(
        "multichoice",
        (
            Choice(1, "Chrome", 0.5, "Yes, a browser."),
            Choice(2, "Firefox", 0.5, "Yes, a browser too."),
            Choice(3, "Excel", penalty, "A spreadsheet."),
            Choice(4, "Word", penalty, ""),
        ),
        single=False,
    )


def true_false(correct=True):
    return QuestionSpec(
        "truefalse", correct=correct, feedback_true="You said true.", feedback_false="False!"
    )


def short_answer(case_sensitive=False):
    return QuestionSpec(
        "shortanswer",
        (
            Choice(1, "کتاب علی", 1.0, "درست"),
            Choice(2, "کتاب*", 0.5, "نیمه درست"),
            Choice(3, "Tehran", 1.0, "Capital"),
            Choice(4, "wrong", -1.0, "Penalty"),
        ),
        case_sensitive=case_sensitive,
    )


def numerical():
    return QuestionSpec(
        "numerical",
        (
            Choice(1, "3.14", 1.0, "Exactly pi.", tolerance=0.01),
            Choice(2, "3", 0.5, "Roughly.", tolerance=0.5),
            Choice(3, "*", 0.0, "Not close."),
        ),
    )


def matching():
    return QuestionSpec(
        "match",
        (
            Choice(1, "Iran", match_text="Tehran"),
            Choice(2, "France", match_text="Paris"),
            Choice(3, "Texas", match_text="Paris"),  # duplicate answer text (Paris, Texas)
            Choice(4, "", match_text="Berlin"),  # distractor answer only
        ),
    )


def ordering():
    return QuestionSpec(
        "ordering",
        (Choice(10, "Turn on"), Choice(20, "Unlock"), Choice(30, "Open app"), Choice(40, "Tap")),
    )


CLOZE_TEXT = (
    "The capital of Iran is {1:SHORTANSWER:=تهران#آفرین~%50%Tehran#In English~*#نه}. "
    "Pi is {2:NUMERICAL:=3.14:0.01#Good~%50%3:0.2#Rough}. "
    "A browser: {3:MULTICHOICE:=Firefox#Yes~Excel#No}. "
    "Tick browsers: {1:MULTIRESPONSE:%50%Chrome~%50%Edge~%-100%Excel}."
)


def cloze():
    return spec_from_cloze(CLOZE_TEXT)[1]


GRADABLE = {
    "multichoice single": single_choice,
    "multichoice multiple": multiple_choice,
    "truefalse true": true_false,
    "truefalse false": lambda: true_false(False),
    "shortanswer": short_answer,
    "numerical": numerical,
    "match": matching,
    "ordering": ordering,
    "cloze": cloze,
}


# --- correct responses --------------------------------------------------------------------


@pytest.mark.parametrize("name", GRADABLE)
def test_correct_response_earns_full_marks(name):
    spec = GRADABLE[name]()
    response = correct_response(spec)
    assert grade(spec, response).fraction == 1.0
    assert grade(spec, response).state == "correct"


@pytest.mark.parametrize("name", GRADABLE)
def test_correct_response_is_already_clean(name):
    spec = GRADABLE[name]()
    assert clean_response(spec, correct_response(spec)) == correct_response(spec)


def test_correct_response_for_ungradable_types_is_empty():
    assert correct_response(QuestionSpec("essay")) == {}
    assert correct_response(QuestionSpec("description")) == {}


def test_correct_response_drops_wildcards_from_short_answers():
    spec = QuestionSpec("shortanswer", (Choice(1, "colo*r", 1.0), Choice(2, r"2\*3", 0.5)))
    assert correct_response(spec) == {"text": "color"}


# --- unanswered ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", GRADABLE)
def test_empty_response_is_unanswered_with_zero(name):
    spec = GRADABLE[name]()
    result = grade(spec, clean_response(spec, {}))
    assert (result.fraction, result.state, result.feedback) == (0.0, "unanswered", [])


@pytest.mark.parametrize(
    ("spec", "raw"),
    [
        (single_choice(), {"choice": ""}),
        (single_choice(), {"choice": None}),
        (multiple_choice(), {"choices": []}),
        (short_answer(), {"text": "   "}),
        (numerical(), {"text": ""}),
        (matching(), {"pairs": {"1": "", "2": None}}),
        (ordering(), {"order": []}),
        (cloze(), {"gaps": {"1": {"text": " "}, "3": {}, "2": None, "4": ""}}),
    ],
)
def test_blank_values_clean_to_unanswered(spec, raw):
    assert clean_response(spec, raw) == {}
    assert grade(spec, {}).state == "unanswered"


# --- multichoice --------------------------------------------------------------------------


def test_single_choice_right_answer_with_feedback():
    result = grade(single_choice(), clean_response(single_choice(), {"choice": 1}))
    assert result.fraction == 1.0
    assert result.state == "correct"
    assert result.feedback == ["Right, Tehran is the capital."]


def test_single_choice_partial_credit():
    result = grade(single_choice(), {"choice": 4})
    assert (result.fraction, result.state) == (0.5, "partial")


def test_single_choice_negative_fraction_clamps_to_zero():
    result = grade(single_choice(), {"choice": 3})
    assert (result.fraction, result.state, result.feedback) == (0.0, "incorrect", ["No."])


def test_multiple_choice_all_right_options():
    result = grade(multiple_choice(), {"choices": [1, 2]})
    assert (result.fraction, result.state) == (1.0, "correct")
    assert result.feedback == ["Yes, a browser.", "Yes, a browser too."]


def test_multiple_choice_one_of_two_is_partial():
    result = grade(multiple_choice(), {"choices": [2]})
    assert (result.fraction, result.state) == (0.5, "partial")


def test_multiple_choice_ticking_everything_with_penalties_is_not_full_marks():
    result = grade(multiple_choice(), {"choices": [1, 2, 3, 4]})
    assert result.fraction == 0.0
    assert result.state == "incorrect"


def test_multiple_choice_never_goes_below_zero():
    result = grade(multiple_choice(), {"choices": [3, 4]})
    assert result.fraction == 0.0
    assert result.feedback == ["A spreadsheet."]  # empty feedback dropped


def test_multiple_choice_one_right_one_wrong_cancels_out():
    assert grade(multiple_choice(), {"choices": [1, 3]}).fraction == 0.0


def test_multiple_choice_all_ticked_without_penalties_is_clamped_sum():
    result = grade(multiple_choice(negative=False), {"choices": [1, 2, 3, 4]})
    assert result.fraction == 1.0


def test_multiple_choice_fractions_summing_near_one_count_as_full():
    spec = QuestionSpec(
        "multichoice", tuple(Choice(i, str(i), 0.3333333) for i in (1, 2, 3)), single=False
    )
    result = grade(spec, {"choices": [1, 2, 3]})
    assert (result.fraction, result.state) == (1.0, "correct")


# --- truefalse ----------------------------------------------------------------------------


def test_true_false_right_and_wrong_with_feedback_for_the_learners_choice():
    right = grade(true_false(True), clean_response(true_false(True), {"value": True}))
    wrong = grade(true_false(True), {"value": False})
    assert (right.fraction, right.state, right.feedback) == (1.0, "correct", ["You said true."])
    assert (wrong.fraction, wrong.state, wrong.feedback) == (0.0, "incorrect", ["False!"])
    assert grade(true_false(False), {"value": False}).fraction == 1.0


def test_true_false_accepts_form_strings():
    assert clean_response(true_false(), {"value": "false"}) == {"value": False}
    assert clean_response(true_false(), {"value": "True"}) == {"value": True}


# --- shortanswer --------------------------------------------------------------------------


def test_short_answer_arabic_letters_match_persian_answer():
    result = grade(short_answer(), clean_response(short_answer(), {"text": " كتاب علي "}))
    assert (result.fraction, result.feedback) == (1.0, ["درست"])


def test_short_answer_zwnj_and_diacritics_do_not_matter():
    spec = QuestionSpec("shortanswer", (Choice(1, "می\u200cروم", 1.0),))
    for text in ("می روم", "میروم", "مي\u200cرَوم"):
        assert grade(spec, {"text": text}).fraction == 1.0


def test_short_answer_wildcard_gives_its_partial_credit():
    result = grade(short_answer(), {"text": "کتاب حسن"})
    assert (result.fraction, result.state, result.feedback) == (0.5, "partial", ["نیمه درست"])


def test_short_answer_best_matching_answer_wins():
    # "کتاب علی" matches both the exact answer (100 %) and the wildcard (50 %).
    assert grade(short_answer(), {"text": "کتاب علی"}).fraction == 1.0


def test_short_answer_case_insensitive_by_default():
    assert grade(short_answer(), {"text": "TEHRAN"}).fraction == 1.0


def test_short_answer_case_sensitive():
    spec = short_answer(case_sensitive=True)
    assert grade(spec, {"text": "tehran"}).fraction == 0.0
    assert grade(spec, {"text": "Tehran"}).fraction == 1.0


def test_short_answer_no_match_is_incorrect_without_feedback():
    result = grade(short_answer(), {"text": "Mashhad"})
    assert (result.fraction, result.state, result.feedback) == (0.0, "incorrect", [])


def test_short_answer_negative_fraction_clamps_but_shows_feedback():
    result = grade(short_answer(), {"text": "wrong"})
    assert (result.fraction, result.state, result.feedback) == (0.0, "incorrect", ["Penalty"])


# --- numerical ----------------------------------------------------------------------------


def test_numerical_exact_value():
    result = grade(numerical(), {"text": "3.14"})
    assert (result.fraction, result.feedback) == (1.0, ["Exactly pi."])


@pytest.mark.parametrize("text", ["3.13", "3.15", "3.15000000001"])
def test_numerical_tolerance_border_is_inclusive(text):
    assert grade(numerical(), {"text": text}).fraction == 1.0


@pytest.mark.parametrize("text", ["3.1509", "3.1299"])
def test_numerical_just_outside_tolerance_falls_to_the_next_answer(text):
    result = grade(numerical(), {"text": text})
    assert (result.fraction, result.feedback) == (0.5, ["Roughly."])


def test_numerical_range_of_a_partial_answer():
    assert grade(numerical(), {"text": "2.5"}).fraction == 0.5
    assert grade(numerical(), {"text": "3.5"}).fraction == 0.5
    result = grade(numerical(), {"text": "3.51"})
    assert (result.fraction, result.state, result.feedback) == (0.0, "incorrect", ["Not close."])


def test_numerical_zero_tolerance_needs_exact_value():
    spec = QuestionSpec("numerical", (Choice(1, "100", 1.0),))
    assert grade(spec, {"text": "100"}).fraction == 1.0
    assert grade(spec, {"text": "100.001"}).fraction == 0.0
    assert grade(spec, {"text": "1e2"}).fraction == 1.0


@pytest.mark.parametrize("text", ["۳٫۱۴", "٣٫١٤", "3٫14", "۳.۱۴", "3,14"])
def test_numerical_persian_digits_and_separators(text):
    assert grade(numerical(), clean_response(numerical(), {"text": text})).fraction == 1.0


def test_numerical_teacher_value_in_persian_digits():
    spec = QuestionSpec("numerical", (Choice(1, "۱٬۲۰۰", 1.0, tolerance=0),))
    assert grade(spec, {"text": "1200"}).fraction == 1.0


def test_numerical_unparseable_answer_is_incorrect_and_flagged():
    result = grade(numerical(), {"text": "about three"})
    assert (result.fraction, result.state) == (0.0, "incorrect")
    assert result.details == {"unparsed": True}


def test_numerical_without_any_match():
    spec = QuestionSpec("numerical", (Choice(1, "10", 1.0, tolerance=1),))
    result = grade(spec, {"text": "-10"})
    assert (result.fraction, result.state, result.details) == (0.0, "incorrect", {})


# --- match --------------------------------------------------------------------------------


def test_match_all_right():
    response = clean_response(matching(), {"pairs": {"1": "1", "2": "2", "3": "3"}})
    result = grade(matching(), response)
    assert (result.fraction, result.state) == (1.0, "correct")
    assert result.details == {"subquestions": {"1": True, "2": True, "3": True}}


def test_match_duplicate_answer_texts_are_equivalent():
    # France and Texas both go with "Paris": either choice id carrying "Paris" is right.
    result = grade(matching(), {"pairs": {"1": 1, "2": 3, "3": 2}})
    assert result.fraction == 1.0


def test_match_distractor_answer_is_wrong_and_partial_credit():
    result = grade(matching(), {"pairs": {"1": 4, "2": 2, "3": 2}})
    assert result.fraction == pytest.approx(2 / 3)
    assert result.state == "partial"
    assert result.details["subquestions"] == {"1": False, "2": True, "3": True}


def test_match_unanswered_subquestions_count_wrong():
    result = grade(matching(), clean_response(matching(), {"pairs": {"1": 1}}))
    assert result.fraction == pytest.approx(1 / 3)
    assert result.details["subquestions"] == {"1": True, "2": False, "3": False}


def test_match_all_wrong():
    result = grade(matching(), {"pairs": {"1": 2, "2": 1, "3": 4}})
    assert (result.fraction, result.state) == (0.0, "incorrect")


# --- ordering -----------------------------------------------------------------------------


def test_ordering_right_order():
    result = grade(ordering(), clean_response(ordering(), {"order": ["10", 20, 30, 40]}))
    assert (result.fraction, result.state) == (1.0, "correct")
    assert result.details == {"positions": [True, True, True, True]}


def test_ordering_partial_by_absolute_position():
    result = grade(ordering(), {"order": [10, 30, 20, 40]})
    assert (result.fraction, result.state) == (0.5, "partial")
    assert result.details == {"positions": [True, False, False, True]}


def test_ordering_shifted_by_one_gets_nothing():
    result = grade(ordering(), {"order": [40, 10, 20, 30]})
    assert (result.fraction, result.state) == (0.0, "incorrect")


# --- cloze --------------------------------------------------------------------------------


def test_cloze_mixed_gaps_with_weights():
    spec = cloze()
    response = clean_response(
        spec,
        {
            "gaps": {
                "1": {"text": "Tehran"},  # 50 %, weight 1
                "2": {"text": "۳٫۱۴"},  # 100 %, weight 2
                "3": {"choice": "2"},  # 0 %, weight 3
                "4": {"choices": ["1"]},  # 50 %, weight 1
            }
        },
    )
    result = grade(spec, response)
    assert result.fraction == pytest.approx((0.5 + 2 + 0 + 0.5) / 7)
    assert result.state == "partial"
    gaps = result.details["gaps"]
    assert gaps["1"] == {"fraction": 0.5, "state": "partial", "feedback": ["In English"]}
    assert gaps["2"] == {"fraction": 1.0, "state": "correct", "feedback": ["Good"]}
    assert gaps["3"] == {"fraction": 0.0, "state": "incorrect", "feedback": ["No"]}
    assert gaps["4"]["fraction"] == 0.5
    assert result.feedback == ["In English", "Good", "No"]


def test_cloze_unanswered_gap_counts_zero_and_is_marked_unanswered():
    spec = cloze()
    result = grade(spec, {"gaps": {"3": {"choice": 1}}})
    assert result.fraction == pytest.approx(3 / 7)
    assert result.details["gaps"]["1"]["state"] == "unanswered"


def test_cloze_multiresponse_gap_penalty_never_below_zero():
    spec = cloze()
    result = grade(spec, {"gaps": {"4": {"choices": [1, 2, 3]}}})
    assert result.details["gaps"]["4"]["fraction"] == 0.0


def test_cloze_numerical_gap_unparsed_flag():
    result = grade(cloze(), {"gaps": {"2": {"text": "pi"}}})
    assert result.details["gaps"]["2"]["unparsed"] is True


def test_cloze_persian_short_answer_gap():
    result = grade(cloze(), {"gaps": {"1": {"text": "طهران"}}})
    assert result.details["gaps"]["1"]["feedback"] == ["نه"]
    result = grade(cloze(), {"gaps": {"1": {"text": "تهران"}}})
    assert result.details["gaps"]["1"]["fraction"] == 1.0


# --- essay and description ----------------------------------------------------------------


def test_essay_with_text_needs_grading():
    spec = QuestionSpec("essay")
    response = clean_response(spec, {"text": "  یک متن طولانی.  "})
    assert response == {"text": "یک متن طولانی."}
    result = grade(spec, response)
    assert (result.fraction, result.state) == (None, "needs_grading")


def test_empty_essay_is_unanswered():
    spec = QuestionSpec("essay")
    result = grade(spec, clean_response(spec, {"text": " "}))
    assert (result.fraction, result.state) == (0.0, "unanswered")


def test_essay_allows_long_text():
    spec = QuestionSpec("essay")
    assert len(clean_response(spec, {"text": "ب" * 50_000})["text"]) == 50_000


def test_description_carries_no_mark():
    spec = QuestionSpec("description")
    result = grade(spec, clean_response(spec, {}))
    assert (result.fraction, result.state) == (None, "unanswered")


# --- clean_response -----------------------------------------------------------------------


def test_clean_response_canonicalises():
    assert clean_response(single_choice(), {"choice": " 2 "}) == {"choice": 2}
    assert clean_response(multiple_choice(), {"choices": ["2", 1]}) == {"choices": [1, 2]}
    assert clean_response(short_answer(), {"text": "  x\x00y "}) == {"text": "xy"}
    assert clean_response(matching(), {"pairs": {3: "2", "1": 1}}) == {"pairs": {"1": 1, "3": 2}}
    assert clean_response(cloze(), {"gaps": {3: {"choice": "1"}}}) == {"gaps": {"3": {"choice": 1}}}


@pytest.mark.parametrize(
    ("spec", "raw"),
    [
        pytest.param(single_choice(), [1], id="not a dict"),
        pytest.param(single_choice(), "1", id="string response"),
        pytest.param(single_choice(), {"choice": 1, "extra": 2}, id="unknown key"),
        pytest.param(single_choice(), {"choices": [1]}, id="multi key on single"),
        pytest.param(multiple_choice(), {"choice": 1}, id="single key on multi"),
        pytest.param(single_choice(), {"choice": 99}, id="forged id"),
        pytest.param(single_choice(), {"choice": "999"}, id="forged string id"),
        pytest.param(single_choice(), {"choice": "1; DROP"}, id="garbage id"),
        pytest.param(single_choice(), {"choice": 1.0}, id="float id"),
        pytest.param(single_choice(), {"choice": True}, id="bool id"),
        pytest.param(single_choice(), {"choice": [1]}, id="list for single"),
        pytest.param(multiple_choice(), {"choices": [1, 1]}, id="duplicate ids"),
        pytest.param(multiple_choice(), {"choices": [1, "1"]}, id="duplicate id as string"),
        pytest.param(multiple_choice(), {"choices": "1,2"}, id="string for list"),
        pytest.param(multiple_choice(), {"choices": [1, 5]}, id="forged id in list"),
        pytest.param(true_false(), {"value": 1}, id="int for bool"),
        pytest.param(true_false(), {"value": "yes"}, id="word for bool"),
        pytest.param(short_answer(), {"text": 5}, id="number for text"),
        pytest.param(short_answer(), {"text": ["a"]}, id="list for text"),
        pytest.param(short_answer(), {"text": "x" * 10_001}, id="oversize text"),
        pytest.param(numerical(), {"text": "1" * 10_001}, id="oversize number"),
        pytest.param(QuestionSpec("essay"), {"text": "x" * 50_001}, id="oversize essay"),
        pytest.param(ordering(), {"order": [10, 20, 30]}, id="ordering missing item"),
        pytest.param(ordering(), {"order": [10, 20, 30, 30]}, id="ordering duplicate"),
        pytest.param(ordering(), {"order": [10, 20, 30, 50]}, id="ordering forged id"),
        pytest.param(matching(), {"pairs": [[1, 1]]}, id="pairs not a mapping"),
        pytest.param(matching(), {"pairs": {"4": 4}}, id="distractor as subquestion"),
        pytest.param(matching(), {"pairs": {"9": 1}}, id="forged subquestion"),
        pytest.param(matching(), {"pairs": {"1": 9}}, id="forged answer"),
        pytest.param(matching(), {"pairs": {"1": 1, 1: 1}}, id="subquestion twice"),
        pytest.param(matching(), {"pairs": {"1": "", 1: 1}}, id="subquestion twice, one blank"),
        pytest.param(cloze(), {"gaps": {"9": {"text": "x"}}}, id="unknown gap"),
        pytest.param(cloze(), {"gaps": {"1": None, 1: {"text": "x"}}}, id="gap twice"),
        pytest.param(cloze(), {"gaps": {"x": {"text": "x"}}}, id="gap not a number"),
        pytest.param(cloze(), {"gaps": {"1": "Tehran"}}, id="gap answer not a dict"),
        pytest.param(cloze(), {"gaps": {"3": {"choice": 7}}}, id="forged id in gap"),
        pytest.param(cloze(), {"gaps": {"1": {"choice": 1}}}, id="wrong key in gap"),
        pytest.param(cloze(), {"gaps": [{"text": "x"}]}, id="gaps not a mapping"),
        pytest.param(QuestionSpec("description"), {"text": "x"}, id="answer to description"),
    ],
)
def test_clean_response_rejects_tampering(spec, raw):
    with pytest.raises(InvalidResponse) as error:
        clean_response(spec, raw)
    assert error.value.message
    assert str(error.value) == error.value.message


def test_clean_response_gap_errors_name_the_gap():
    with pytest.raises(InvalidResponse, match="Gap 3"):
        clean_response(cloze(), {"gaps": {"3": {"choice": 7}}})


def test_clean_response_text_at_the_limit_is_accepted():
    assert len(clean_response(short_answer(), {"text": "x" * 10_000})["text"]) == 10_000


# --- cloze parsing ------------------------------------------------------------------------


def test_parse_cloze_replaces_gaps_with_placeholders():
    text, gaps = parse_cloze(CLOZE_TEXT)
    assert text == (
        "The capital of Iran is [[gap 1]]. Pi is [[gap 2]]. "
        "A browser: [[gap 3]]. Tick browsers: [[gap 4]]."
    )
    assert [(g.number, g.type, g.weight) for g in gaps] == [
        (1, "shortanswer", 1),
        (2, "numerical", 2),
        (3, "multichoice", 3),
        (4, "multiresponse", 1),
    ]


def test_parse_cloze_answers_fractions_and_feedback():
    gaps = parse_cloze(CLOZE_TEXT)[1]
    assert gaps[0].choices == (
        Choice(1, "تهران", 1.0, "آفرین"),
        Choice(2, "Tehran", 0.5, "In English"),
        Choice(3, "*", 0.0, "نه"),
    )
    assert gaps[1].choices == (
        Choice(1, "3.14", 1.0, "Good", tolerance=0.01),
        Choice(2, "3", 0.5, "Rough", tolerance=0.2),
    )
    assert [c.fraction for c in gaps[3].choices] == [0.5, 0.5, -1.0]


def test_parse_cloze_default_weight_is_one():
    gaps = parse_cloze("{:NUMERICAL:=3.14:0.01} and {:NM:=۲٫۵}")[1]
    assert [g.weight for g in gaps] == [1, 1]
    assert gaps[1].choices == (Choice(1, "2.5", 1.0, tolerance=0.0),)


@pytest.mark.parametrize(
    ("name", "kind", "case_sensitive", "layout"),
    [
        ("SHORTANSWER", "shortanswer", False, "dropdown"),
        ("SA", "shortanswer", False, "dropdown"),
        ("MW", "shortanswer", False, "dropdown"),
        ("SHORTANSWER_C", "shortanswer", True, "dropdown"),
        ("SAC", "shortanswer", True, "dropdown"),
        ("MWC", "shortanswer", True, "dropdown"),
        ("NUMERICAL", "numerical", False, "dropdown"),
        ("NM", "numerical", False, "dropdown"),
        ("MULTICHOICE", "multichoice", False, "dropdown"),
        ("MC", "multichoice", False, "dropdown"),
        ("MULTICHOICE_V", "multichoice", False, "vertical"),
        ("MCV", "multichoice", False, "vertical"),
        ("MULTICHOICE_H", "multichoice", False, "horizontal"),
        ("MCH", "multichoice", False, "horizontal"),
        ("MULTIRESPONSE", "multiresponse", False, "vertical"),
        ("MR", "multiresponse", False, "vertical"),
        ("MRH", "multiresponse", False, "horizontal"),
    ],
)
def test_parse_cloze_type_names(name, kind, case_sensitive, layout):
    gap = parse_cloze("{1:" + name + ":=1~2}")[1][0]
    assert (gap.type, gap.case_sensitive, gap.layout) == (kind, case_sensitive, layout)


def test_parse_cloze_shuffled_variants():
    gap = parse_cloze("{1:MCS:=a~b}")[1][0]
    assert (gap.type, gap.shuffle) == ("multichoice", True)


def test_parse_cloze_escapes():
    gaps = parse_cloze(r"{1:SA:=a\}b\~c\#d\=e\/f#fb \# here~%50%\%x} {1:MC:=\*star~other}")[1]
    assert gaps[0].choices[0] == Choice(1, "a}b~c#d=e/f", 1.0, "fb # here")
    assert gaps[0].choices[1] == Choice(2, "%x", 0.5)
    assert gaps[1].choices[0].text == "*star"


def test_parse_cloze_short_answer_keeps_escaped_star_literal():
    _text, spec = spec_from_cloze(r"{1:SA:=2\*3}")
    assert spec.gaps[0].choices[0].text == r"2\*3"
    assert grade(spec, {"gaps": {"1": {"text": "2*3"}}}).fraction == 1.0
    assert grade(spec, {"gaps": {"1": {"text": "2x3"}}}).fraction == 0.0


def test_parse_cloze_leaves_other_braces_alone():
    text, gaps = parse_cloze(r"Set {a, b} and \{1:SA:x} then {1:SA:=y}")
    assert text == "Set {a, b} and {1:SA:x} then [[gap 1]]"
    assert len(gaps) == 1


def test_parse_cloze_case_sensitive_gap_grades_case_sensitively():
    _text, spec = spec_from_cloze("{1:SAC:=Tehran}")
    assert grade(spec, {"gaps": {"1": {"text": "tehran"}}}).fraction == 0.0
    assert grade(spec, {"gaps": {"1": {"text": "Tehran"}}}).fraction == 1.0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("No gaps here {at all}.", "no gaps", id="no gaps"),
        pytest.param("{1:ESSAY:=x}", "unknown type", id="unknown type"),
        pytest.param("{1::=x}", "unknown type", id="empty type"),
        pytest.param("{1:SA:}", "no answers", id="no answers"),
        pytest.param("{1:SA}", "no answers", id="no answer part"),
        pytest.param("{1:SA:~~}", "no answers", id="only separators"),
        pytest.param("{1:MC:a~b}", "no fully correct", id="no full credit"),
        pytest.param("{1:SA:%50%a}", "no fully correct", id="only partial credit"),
        pytest.param("{1:MR:%50%a~%40%b}", "no fully correct", id="multiresponse under 100"),
        pytest.param("{1:SA:=Tehran", "not closed", id="unclosed at end"),
        pytest.param("{1:SA:=a {2:SA:=b}", "not closed", id="unclosed before next gap"),
        pytest.param("{1:NM:=three}", "not a number", id="numerical value"),
        pytest.param("{1:NM:=3:abc}", "not a number", id="numerical tolerance"),
        pytest.param("{1:SA:=#only feedback}", "empty answer", id="empty answer"),
        pytest.param("{0:SA:=a}", "weight", id="zero weight"),
        pytest.param("{1:SA:%150%a}", "between", id="percentage too large"),
    ],
)
def test_parse_cloze_errors(text, fragment):
    with pytest.raises(ClozeError) as error:
        parse_cloze(text)
    assert fragment in error.value.message


def test_parse_cloze_error_names_the_gap():
    with pytest.raises(ClozeError, match="Gap 2"):
        parse_cloze("{1:SA:=a} and {1:MC:x~y}")


def test_multiresponse_gap_may_split_full_credit():
    _text, spec = spec_from_cloze("{1:MR:%50%a~%50%b~c}")
    assert correct_response(spec) == {"gaps": {"1": {"choices": [1, 2]}}}
    assert grade(spec, correct_response(spec)).fraction == 1.0


def test_cloze_spec_built_by_hand():
    spec = QuestionSpec(
        "cloze",
        gaps=(
            Gap(1, "shortanswer", 2, (Choice(1, "a", 1.0),)),
            Gap(2, "multichoice", 1, (Choice(1, "x", 1.0), Choice(2, "y"))),
        ),
    )
    result = grade(spec, {"gaps": {"1": {"text": "A"}, "2": {"choice": 2}}})
    assert result.fraction == pytest.approx(2 / 3)
