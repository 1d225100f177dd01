"""Server-side grading of H5P responses, library by library, against real content.json shapes."""

import copy

import pytest

from content.h5p import grading
from content.h5p.grading import Grade, Ungradable
from tests.content import h5p_answers as answers


def multi(*, single_point: bool, correct=(0, 1), pass_percentage: int = 100) -> dict:
    """The fixture's MultiChoice with several right answers."""
    params = copy.deepcopy(answers.MULTICHOICE)
    for index, answer in enumerate(params["answers"]):
        answer["correct"] = index in correct
    params["answers"].append({"correct": False, "text": "<div>Green</div>"})
    params["behaviour"].update(singlePoint=single_point, passPercentage=pass_percentage)
    return params


# --- MultiChoice -----------------------------------------------------------------------------


def test_multichoice_single_answer_right_wrong_and_nothing():
    params = answers.MULTICHOICE
    assert grading.grade_multichoice(params, "0") == Grade(1, 1, True)
    assert grading.grade_multichoice(params, "2") == Grade(0, 1, False)
    assert grading.grade_multichoice(params, "") == Grade(0, 1, False)


def test_multichoice_single_answer_refuses_several_choices_and_unknown_ids():
    for response in ["0[,]1", "7", "-1", "a", "0[,]0", "٠", None, 0]:
        with pytest.raises(Ungradable):
            grading.grade_multichoice(answers.MULTICHOICE, response)


def test_multichoice_several_answers_with_penalties_when_not_single_point():
    params = multi(single_point=False)
    assert grading.grade_multichoice(params, "0[,]1") == Grade(2, 2, True)
    assert grading.grade_multichoice(params, "1") == Grade(1, 2, False)  # partial
    assert grading.grade_multichoice(params, "1[,]3") == Grade(0, 2, False)  # +1 −1
    assert grading.grade_multichoice(params, "2[,]3") == Grade(0, 2, False)  # never below 0
    assert grading.grade_multichoice(params, "0[,]1[,]2") == Grade(1, 2, False)


def test_multichoice_single_point_is_all_or_nothing_at_the_pass_percentage():
    assert grading.grade_multichoice(multi(single_point=True), "0[,]1") == Grade(1, 1, True)
    assert grading.grade_multichoice(multi(single_point=True), "0") == Grade(0, 1, False)
    lenient = multi(single_point=True, pass_percentage=50)
    assert grading.grade_multichoice(lenient, "0") == Grade(1, 1, True)


def test_multichoice_with_no_right_answer_rewards_choosing_nothing():
    params = multi(single_point=False, correct=())
    params["behaviour"]["type"] = "multi"
    assert grading.grade_multichoice(params, "") == Grade(1, 1, True)
    assert grading.grade_multichoice(params, "2") == Grade(0, 1, False)


# --- TrueFalse -------------------------------------------------------------------------------


def test_truefalse_compares_with_the_stored_answer():
    assert answers.TRUEFALSE["correct"] == "false"
    assert grading.grade_truefalse(answers.TRUEFALSE, "false") == Grade(1, 1, True)
    assert grading.grade_truefalse(answers.TRUEFALSE, "true") == Grade(0, 1, False)
    assert grading.grade_truefalse(answers.TRUEFALSE, "") == Grade(0, 1, False)
    with pytest.raises(Ungradable):
        grading.grade_truefalse(answers.TRUEFALSE, "FALSE")


# --- Blanks ----------------------------------------------------------------------------------


def test_blanks_right_partial_and_wrong():
    params = answers.BLANKS
    assert grading.grade_blanks(params, "blue[,]Cloud[,]black") == Grade(3, 3, True)
    assert grading.grade_blanks(params, " BLUE [,]cloud[,]red") == Grade(2, 3, False)
    assert grading.grade_blanks(params, "[,][,]") == Grade(0, 3, False)


def test_blanks_needs_one_answer_per_blank():
    for response in ["blue[,]cloud", "blue[,]cloud[,]black[,]x", "", None]:
        with pytest.raises(Ungradable):
            grading.grade_blanks(answers.BLANKS, response)


def test_blanks_case_sensitivity_follows_the_task():
    params = copy.deepcopy(answers.BLANKS)
    params["behaviour"]["caseSensitive"] = True
    assert grading.grade_blanks(params, "blue[,]Cloud[,]black") == Grade(3, 3, True)
    assert grading.grade_blanks(params, "blue[,]cloud[,]black") == Grade(2, 3, False)


def test_blanks_accepts_alternatives_and_persian_spelling_variants():
    params = answers.BLANKS_FA  # case sensitive, "Ctrl+S/کنترل اس", "فایرفاکس", "۱۲"
    assert grading.grade_blanks(params, "Ctrl+S[,]فایرفاکس[,]۱۲") == Grade(3, 3, True)
    # the other alternative, Arabic kaf and yeh, Latin digits: all right as H5P or better
    assert grading.grade_blanks(params, "كنترل اس[,]فايرفاكس[,]12") == Grade(3, 3, True)
    assert grading.grade_blanks(params, "ctrl+s[,]کروم[,]١٢") == Grade(1, 3, False)


def test_blanks_accepts_small_spelling_errors_when_the_task_does():
    params = copy.deepcopy(answers.BLANKS)
    params["questions"] = ["<p>The *Norwegian* forest and the *sea*.</p>"]
    assert grading.grade_blanks(params, "Norwegain[,]sea") == Grade(1, 2, False)
    params["behaviour"]["acceptSpellingErrors"] = True
    assert grading.grade_blanks(params, "Norwegain[,]sae") == Grade(1, 2, False)  # short word
    assert grading.grade_blanks(params, "Norwgian[,]sea") == Grade(2, 2, True)
    assert grading.grade_blanks(params, "Nrwgian[,]sea") == Grade(1, 2, False)


# --- DragText --------------------------------------------------------------------------------


def test_dragtext_right_partial_and_empty_zones():
    params = answers.DRAGTEXT  # zones: Norway, Sweden (tip stripped), ایران
    assert grading.grade_dragtext(params, "Norway[,]Sweden[,]ایران") == Grade(3, 3, True)
    assert grading.grade_dragtext(params, "Sweden[,]Norway[,]ایران") == Grade(1, 3, False)
    assert grading.grade_dragtext(params, "[,]Sweden[,]") == Grade(1, 3, False)
    assert grading.grade_dragtext(params, "Norway[,]Sweden[,]ايران") == Grade(3, 3, True)


def test_dragtext_refuses_words_that_are_not_draggables():
    for response in ["Norway[,]Norway[,]ایران", "Denmark[,]Sweden[,]ایران", "Norway[,]Sweden"]:
        with pytest.raises(Ungradable):
            grading.grade_dragtext(answers.DRAGTEXT, response)


def test_dragtext_reads_tips_and_feedback_out_of_the_answer_markup():
    params = {"textField": r"A *cat:an animal\+Yes!\-No.* sat on a *mat*."}
    assert grading.grade_dragtext(params, "cat[,]mat") == Grade(2, 2, True)
    assert grading.grade_dragtext(params, "mat[,]cat") == Grade(0, 2, False)


# --- MarkTheWords ----------------------------------------------------------------------------


def test_mark_the_words_finds_the_words_as_the_library_does():
    words = grading.mark_the_words_answers(answers.MARK_THE_WORDS["textField"])
    # The cat sat on the mat and purred. Dogs bark, birds sing.
    assert words == [False, False, True, False, False, False, False, True] + [
        False,
        True,
        False,
        False,
    ]


def test_mark_the_words_right_minus_wrong():
    params = answers.MARK_THE_WORDS
    assert grading.grade_mark_the_words(params, "2[,]7[,]9") == Grade(3, 3, True)
    assert grading.grade_mark_the_words(params, "2[,]9") == Grade(2, 3, False)
    assert grading.grade_mark_the_words(params, "2[,]7[,]9[,]0") == Grade(2, 3, False)
    assert grading.grade_mark_the_words(params, "0[,]1[,]2") == Grade(0, 3, False)
    assert grading.grade_mark_the_words(params, "") == Grade(0, 3, False)
    with pytest.raises(Ungradable):
        grading.grade_mark_the_words(params, "12")


def test_mark_the_words_in_persian_with_punctuation():
    params = {"textField": "<p>«*سلام*» دوست *من*، حالت چطور است؟</p>"}
    words = grading.mark_the_words_answers(params["textField"])
    assert words == [True, False, True, False, False, False]
    assert grading.grade_mark_the_words(params, "0[,]2") == Grade(2, 2, True)


# --- SingleChoiceSet -------------------------------------------------------------------------


def test_single_choice_the_first_answer_written_is_right():
    choice = answers.SINGLE_CHOICE_SET["choices"][0]
    assert grading.grade_single_choice(choice, "0") == Grade(1, 1, True)
    assert grading.grade_single_choice(choice, "2") == Grade(0, 1, False)
    for response in ["", "3", "0[,]1"]:
        with pytest.raises(Ungradable):
            grading.grade_single_choice(choice, response)


def test_single_choice_set_sums_its_questions_and_passes_at_its_percentage():
    content = answers.SINGLE_CHOICE_SET
    first, second = (c["subContentId"] for c in content["choices"])
    both = {first: Grade(1, 1), second: Grade(1, 1)}
    assert grading.grade_set("H5P.SingleChoiceSet", content, both) == Grade(2, 2, True)
    half = {first: Grade(1, 1), second: Grade(0, 1)}
    assert grading.grade_set("H5P.SingleChoiceSet", content, half) == Grade(1, 2, False)
    with pytest.raises(Ungradable):
        grading.grade_set("H5P.SingleChoiceSet", content, {first: Grade(1, 1)})


# --- QuestionSet -----------------------------------------------------------------------------


def test_question_set_is_the_sum_of_its_questions_with_its_pass_percentage():
    content = answers.question_set(pass_percentage=60)
    answered = {
        answers.QS_MULTICHOICE: Grade(1, 1),
        answers.QS_BLANKS: Grade(1, 3),
        answers.QS_TRUEFALSE: Grade(0, 1),
    }
    assert grading.grade_set("H5P.QuestionSet 1.17", content, answered) == Grade(2, 5, False)
    answered[answers.QS_TRUEFALSE] = Grade(1, 1)
    assert grading.grade_set("H5P.QuestionSet 1.17", content, answered) == Grade(3, 5, True)


def test_question_set_with_an_ungradable_question_or_a_pool_is_not_graded():
    answered = {
        answers.QS_MULTICHOICE: Grade(1, 1),
        answers.QS_BLANKS: Grade(3, 3),
        answers.QS_TRUEFALSE: Grade(1, 1),
    }
    with pytest.raises(Ungradable):
        with_drag = answers.question_set(with_drag_question=True)
        grading.grade_set("H5P.QuestionSet", with_drag, answered)
    pooled = {**answers.question_set(), "poolSize": 2}
    with pytest.raises(Ungradable):
        grading.grade_set("H5P.QuestionSet", pooled, answered)
    del answered[answers.QS_TRUEFALSE]
    with pytest.raises(Ungradable):  # a question never answered
        grading.grade_set("H5P.QuestionSet", answers.question_set(), answered)


def test_question_set_members_are_found_by_sub_content_id():
    content = answers.question_set()
    member = grading.member_of(content, "H5P.QuestionSet 1.17", answers.QS_BLANKS)
    assert grading.machine_name(member.library) == "H5P.Blanks"
    assert grading.grade_response(member.library, member.params, "blue[,]cloud[,]black").raw == 3
    assert grading.member_of(content, "H5P.QuestionSet 1.17", "nope") is None


def test_other_libraries_are_not_graded():
    assert not grading.is_gradable("H5P.CoursePresentation 1.22")
    with pytest.raises(Ungradable):
        grading.grade_response("H5P.DragQuestion 1.13", {}, "0[,]1")
    category = [{"id": "http://h5p.org/libraries/H5P.MultiChoice-1.14"}]
    assert grading.library_from_category(category) == "H5P.MultiChoice"
