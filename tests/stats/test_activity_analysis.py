"""The quiz and H5P figures against answers worked out by hand (fixture: tests/stats/conftest.py).

The quiz: Q1 multiple choice (الف right, 1 mark), Q2 true/false (true, 1 mark), Q3 short answer
(کروم full, Chrome half, 2 marks). The five enrolled learners' FIRST finished attempts, in marks
earned:

    learner   Q1 (picked)   Q2 (said)    Q3 (typed)         total /4   score
    l1        1 (الف)       1 (true)     2 (کروم)           4          1.00
    l2        1 (الف)       1 (true)     1 (Chrome)         3          0.75
    l3        0 (ب)         1 (true)     1 (Chrome)         2          0.50
    l4        1 (الف)       0 (false)    0 (فایرفاکس)       1          0.25
    l5        0 (ج)         0 (false)    0 (no answer)      0          0.00

Later finished attempts (counted and binned, not analysed): l2 1.00, l3 0.75, l4 1.00. Not
counted: l5's open attempt, the editor's attempt (not enrolled).

Facility F = 100 × mean fraction: Q1 (1+1+0+1+0)/5 = 60 %, Q2 (1+1+1+0+0)/5 = 60 %,
Q3 (1+.5+.5+0+0)/5 = 40 %.

Discrimination D = 100 × r(question marks x, rest of the attempt y = total − x):

    Q1: x = 1,1,0,1,0 (mean .6)  y = 3,2,2,0,0 (mean 1.4)
        dx = .4,.4,-.6,.4,-.6    dy = 1.6,.6,.6,-1.4,-1.4
        Σdxdy = .64+.24-.36-.56+.84 = .8;  Σdx² = 1.2;  Σdy² = 7.2
        r = .8 / √(1.2 × 7.2) = .8 / √8.64 = 0.27217  → 27.2 %
    Q2: x = 1,1,1,0,0 (mean .6)  y = 3,2,1,1,0 (mean 1.4)
        dx = .4,.4,.4,-.6,-.6    dy = 1.6,.6,-.4,-.4,-1.4
        Σdxdy = .64+.24-.16+.24+.84 = 1.8;  Σdx² = 1.2;  Σdy² = 5.2
        r = 1.8 / √6.24 = 0.72058  → 72.1 %
    Q3: x = 2,1,1,0,0 (mean .8)  y = 2,2,1,1,0 (mean 1.2)
        dx = 1.2,.2,.2,-.8,-.8   dy = .8,.8,-.2,-.2,-1.2
        Σdxdy = .96+.16-.04+.16+.96 = 2.2;  Σdx² = 2.8;  Σdy² = 2.8
        r = 2.2 / 2.8 = 0.78571  → 78.6 %

Distribution of the 8 finished attempts: 0–10 % 1 (l5), 20–30 % 1 (l4), 50–60 % 1 (l3),
70–80 % 2 (l2, l3's second), 90–100 % 3 (l1, l2's and l4's second); average 5.25 / 8 = 65.625 %.

The small quiz (Q2 only): l1 true, l2 false: F = 50 %, and D undefined (the rest of the test is
0 for both). The exercise: scored results of the whole exercise by enrolled learners are l1 1.0
and 0.6, l2 0.45, l3 0.0, l5 0.95: 5 attempts by 4 learners, average 3.0 / 5 = 60 %; of the 5
enrolled, 4 opened it, 2 completed it (l1 passed, l5 completed; l2 failed), so 40 %.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Response
from stats.distribution import score_bins
from stats.h5p_analysis import exercise_analysis
from stats.quiz_analysis import pearson, quiz_analysis

pytestmark = pytest.mark.django_db


def counts(bins) -> dict[int, int]:
    return {b.low: b.count for b in bins if b.count}


def test_quiz_attempts_and_distribution(activity_world):
    analysis = quiz_analysis(quiz_key=activity_world.quiz.translation_key)
    assert (analysis.attempts, analysis.learners) == (8, 5)
    assert analysis.average == Decimal("0.65625")
    assert counts(analysis.bins) == {0: 1, 20: 1, 50: 1, 70: 2, 90: 3}


def test_facility_and_discrimination_by_hand(activity_world):
    items = quiz_analysis(quiz_key=activity_world.quiz.translation_key).items
    assert [(i.position, i.name, i.responses) for i in items] == [
        (1, "Q1", 5),
        (2, "Q2", 5),
        (3, "Q3", 5),
    ]
    assert [i.facility for i in items] == pytest.approx([60.0, 60.0, 40.0])
    assert [i.discrimination for i in items] == pytest.approx([27.217, 72.058, 78.571], abs=0.001)
    assert items[2].unanswered == 1  # l5 left Q3 blank


def test_choices_picked(activity_world):
    q1, q2, q3 = quiz_analysis(quiz_key=activity_world.quiz.translation_key).items
    assert [(c.text, c.count, c.gives_credit) for c in q1.choices] == [
        ("الف", 3, True),
        ("ب", 1, False),
        ("ج", 1, False),
    ]
    assert [(c.count, c.gives_credit) for c in q2.choices] == [(3, True), (2, False)]
    assert q3.choices == []  # a short answer has no choices to count


def test_discrimination_is_undefined_without_spread(activity_world):
    analysis = quiz_analysis(quiz_key=activity_world.small_quiz.translation_key)
    (item,) = analysis.items
    assert (analysis.attempts, item.facility, item.discrimination) == (2, 50.0, None)
    assert counts(analysis.bins) == {0: 1, 90: 1}


def test_a_quiz_without_attempts(activity_world):
    analysis = quiz_analysis(quiz_key=activity_world.other_quiz.translation_key)
    assert (analysis.attempts, analysis.average, analysis.items) == (0, None, [])
    assert sum(b.count for b in analysis.bins) == 0


def test_quiz_analysis_reads_in_three_queries_whatever_the_attempts(activity_world):
    """2 attempts cost what 8 cost."""
    queries = {}
    for quiz in (activity_world.small_quiz, activity_world.quiz):
        with CaptureQueriesContext(connection) as captured:
            quiz_analysis(quiz_key=quiz.translation_key)
        queries[quiz.slug] = len(captured)
    assert queries == {"small-quiz": 3, "stats-quiz": 3}


def test_exercise_figures_by_hand(activity_world):
    with CaptureQueriesContext(connection) as captured:
        analysis = exercise_analysis(
            activity_key=activity_world.exercise.translation_key,
            course_key=activity_world.course.translation_key,
        )
    assert len(captured) == 3
    assert (analysis.attempts, analysis.learners) == (5, 4)
    assert analysis.average == pytest.approx(0.6)
    assert counts(analysis.bins) == {0: 1, 40: 1, 60: 1, 90: 2}
    assert (analysis.enrolled, analysis.reached, analysis.completed) == (5, 4, 2)
    assert (analysis.passed, analysis.failed, analysis.completion_rate) == (1, 1, 0.4)


def test_pearson_by_hand():
    assert pearson([(1, 2), (2, 4), (3, 6)]) == pytest.approx(1.0)
    assert pearson([(1, 3), (2, 2), (3, 1)]) == pytest.approx(-1.0)
    assert pearson([(1, 1)]) is None
    assert pearson([(1, 1), (1, 2)]) is None


def test_score_bins_edges():
    bins = score_bins([0, 0.1, 0.3, Decimal("0.7"), 0.99, 1, 1.2, -0.1, None])
    assert counts(bins) == {0: 2, 10: 1, 30: 1, 70: 1, 90: 3}
    assert (bins[0].label, bins[9].label) == ("0–10%", "90–100%")


def test_a_deleted_question_is_still_analysed_from_its_snapshot(activity_world):
    """A question removed from the bank leaves its responses (question = None) and snapshots."""
    Response.objects.filter(
        attempt__quiz_key=activity_world.quiz.translation_key, position=3
    ).update(question=None)
    items = quiz_analysis(quiz_key=activity_world.quiz.translation_key).items
    assert [(i.name, i.responses) for i in items] == [("Q1", 5), ("Q2", 5), ("Q3", 5)]
    assert items[2].facility == pytest.approx(40.0)
    assert items[2].discrimination == pytest.approx(78.571, abs=0.001)
