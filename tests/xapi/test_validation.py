"""The one xAPI model (``xapi.validation``): the score scale and the tolerances callers name."""

import pytest

from content.h5p.grading import Grade
from content.results import H5P_DEVIATIONS
from xapi.validation import StatementError, scaled_score, validate_statement


@pytest.mark.parametrize(
    "score, expected",
    [
        ({"scaled": 0.5}, 0.5),
        ({"scaled": 1}, 1.0),
        ({"scaled": 0}, 0.0),
        ({"scaled": -0.5}, 0.0),  # Savad keeps no negative scores
        ({"scaled": 0.2, "raw": 9, "min": 0, "max": 10}, 0.2),  # scaled wins over raw
        ({"raw": 5, "max": 10}, 0.5),  # min defaults to 0
        ({"raw": 7, "min": 5, "max": 10}, 0.4),  # min counts
        ({"raw": -2, "min": -4, "max": 0}, 0.5),
        ({"raw": 0.25, "min": 0, "max": 0.5}, 0.5),
        ({"raw": 12, "max": 10}, 1.0),  # out of range (tolerated for H5P): clamped
        ({"raw": -1, "max": 10}, 0.0),
        ({"scaled": 1.5}, 1.0),
    ],
)
def test_scores_are_scaled_to_0_1(score, expected):
    assert scaled_score(score) == pytest.approx(expected)


@pytest.mark.parametrize(
    "score",
    [
        None,
        {},
        {"raw": 5},  # nothing to scale against
        {"max": 10},
        {"min": 0, "max": 10},
        {"raw": 0, "max": 0},  # H5P content without points
        {"raw": 1, "min": 5, "max": 5},
        {"raw": 1, "min": 6, "max": 5},
        {"raw": 1, "min": 2},  # min without max
    ],
)
def test_a_score_that_cannot_be_scaled_is_none(score):
    assert scaled_score(score) is None


@pytest.mark.parametrize(
    "score, name",
    [
        ({"raw": "5", "max": 10}, "raw"),
        ({"scaled": True}, "scaled"),
        ({"raw": 1, "max": None}, "max"),
        ({"scaled": float("nan")}, "scaled"),
        ({"raw": 1, "max": float("inf")}, "max"),
        ({"raw": 1, "max": 10**400}, "max"),
        ({"min": [0], "raw": 1, "max": 2}, "min"),
    ],
)
def test_a_value_that_is_not_a_number_is_refused_and_named(score, name):
    with pytest.raises(StatementError, match=rf"^score\.{name}: must be a number"):
        scaled_score(score)


def test_a_score_that_is_not_an_object_is_refused():
    with pytest.raises(StatementError, match="must be a JSON object"):
        scaled_score([0.5])


def test_server_grades_use_the_same_scale():
    assert Grade(3, 4).scaled == 0.75
    assert Grade(0, 0).scaled == 0.0  # content without points: a score of 0, not none


def h5p_statement(**change) -> dict:
    statement = {
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {
            "id": "https://example.org/h5p/1",
            "definition": {"interactionType": "compound"},
        },
        "result": {"score": {"min": 0, "max": 0, "raw": 0}, "completion": True},
    }
    statement.update(change)
    return statement


def test_h5p_deviations_are_accepted_only_where_named():
    deviant = h5p_statement()
    validate_statement(deviant, tolerate=H5P_DEVIATIONS)
    with pytest.raises(StatementError, match="interactionType"):
        validate_statement(deviant)
    deviant["object"]["definition"] = {}
    with pytest.raises(StatementError, match="“min” must be less than “max”"):
        validate_statement(deviant)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"result": {"score": {"raw": "lots", "max": 1}}},
            "statement.result.score.raw: must be a number.",
        ),
        (
            {"object": {"id": "https://x.org/a", "definition": {"interactionType": "quiz"}}},
            "statement.object.definition.interactionType: “quiz” is not a valid type.",
        ),
        (
            {
                "object": {
                    "id": "https://x.org/a",
                    "definition": {"interactionType": "compound", "choices": [{"id": "a"}]},
                }
            },
            "statement.object.definition.choices: not used by “compound” interactions.",
        ),
        ({"verb": {"id": "completed"}}, "statement.verb.id: must be an absolute IRI"),
    ],
)
def test_the_h5p_tolerances_relax_nothing_else(change, message):
    with pytest.raises(StatementError) as refused:
        validate_statement(h5p_statement(**change), tolerate=H5P_DEVIATIONS)
    assert str(refused.value).startswith(message)
