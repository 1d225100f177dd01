"""Benchmark of quizzes: server-side grading, submits, and the quiz and attempt pages.

    python bench/quizzes.py [--responses 10000] [--submits 300] [--requests 100] [--quick]

A throwaway database is created for the run (an in-memory one on SQLite; on PostgreSQL, when
DATABASE_URL points there, a ``test_<name>_bench_<pid>`` database next to the named one) and
dropped at the end, so no existing database is touched. It holds the demo site tree and one
published Persian course with quizzes built from a bank of every gradable question type.

1. Grading: ``--responses`` stored submissions (finished attempts of many learners, answers
   varied between right, Persian spelling and digit variants, partly right, wrong and blank)
   are re-graded from the question snapshots stored in them, the way the server grades
   (``quizzes.services._grade_response``: ``spec_from_json`` + ``grade``), and the fractions
   written back with ``bulk_update`` in batches of ``--batch``. Every grade is then checked
   against the expected one. Then ``--submits`` learners start an attempt
   (``services.attempt_start``) and submit it with their answers (``services.attempt_submit``:
   lock, clean, store, grade, total, report to the progress core), one after the other.
2. Pages: for a quiz of 10 and one of 50 questions, the quiz page and the attempt page of an
   enrolled learner (one finished attempt, one open attempt with saved answers) through
   Django's test client: a few warm-up requests, ``--requests`` timed GETs, the queries of one
   warm request and of one request after ``cache.clear()``. Queries that grow with the number
   of questions are listed.

Human-readable lines are printed, then, as the last line, one JSON object with the results.
"""

import argparse
import json
import math
import os
import random
import re
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as ``python bench/quizzes.py``, Python puts bench/ first on the path, where this file
# would shadow the ``quizzes`` app. Drop it and put the project root first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.database import create_database  # noqa: E402
from progress.models import ActivityProgress  # noqa: E402
from quizzes import services  # noqa: E402
from quizzes.grading import FULL_MARK, clean_response  # noqa: E402
from quizzes.models import Attempt, Question, Response  # noqa: E402
from quizzes.specs import question_spec, snapshot  # noqa: E402

FOUR_PLACES = Decimal("0.0001")
PAGES = ("quiz_page", "attempt_page")
QUESTIONS_PER_ATTEMPT = 8  # one of each definition below


@dataclass(frozen=True)
class Variant:
    """One way to answer a question: its kind, the raw response and the credit it earns."""

    label: str  # right | persian | partial | wrong | blank
    raw: dict
    fraction: float

    @property
    def state(self) -> str:
        if self.label == "blank":
            return Response.State.UNANSWERED
        if self.fraction >= FULL_MARK:
            return Response.State.CORRECT
        return Response.State.PARTIAL if self.fraction > 0 else Response.State.INCORRECT


@dataclass(frozen=True)
class QuestionDef:
    kind: str
    text: str
    choices: tuple = ()  # (text, fraction[, feedback[, match_text[, tolerance]]])
    fields: tuple = ()  # extra Question fields as (name, value) pairs
    variants: tuple[Variant, ...] = ()


V = Variant
CLOZE = (
    "پایتخت ایران {1:SHORTANSWER:=تهران#درست~%50%طهران#املای قدیمی} است، "
    "۲ + ۳ برابر {1:NUMERICAL:=5:0} است و رنگ آسمان صاف {1:MULTICHOICE:=آبی~سبز~قرمز} است."
)


def gaps(city: str | None, number: str | None, colour: int | None) -> dict:
    """A cloze response to CLOZE; None leaves a gap blank."""
    given = {"1": {"text": city}, "2": {"text": number}, "3": {"choice": colour}}
    return {"gaps": {k: v for k, v in given.items() if None not in v.values()}}


# Choice ids in the grading specs are the choices' positions, from 1 (see quizzes.specs).
DEFINITIONS = (
    QuestionDef(
        "multichoice",
        "پایتخت ایران کجاست؟",
        (("تهران", 1, "درست است"), ("شیراز", 0, "نه"), ("تبریز", 0)),
        variants=(
            V("right", {"choice": 1}, 1),
            V("wrong", {"choice": 2}, 0),
            V("blank", {}, 0),
        ),
    ),
    QuestionDef(
        "multichoice",
        "کدام‌ها زبان برنامه‌نویسی‌اند؟",
        (("پایتون", 0.5), ("جاوا", 0.5), ("اکسل", -0.5, "نه"), ("فتوشاپ", -0.5, "نه")),
        (("single", False),),
        variants=(
            V("right", {"choices": [1, 2]}, 1),
            V("partial", {"choices": [1]}, 0.5),
            V("partial", {"choices": [1, 2, 3]}, 0.5),  # a penalty
            V("wrong", {"choices": [1, 3]}, 0),  # the penalty cancels the credit
            V("wrong", {"choices": [3, 4]}, 0),  # negative, clamped to 0
        ),
    ),
    QuestionDef(
        "truefalse",
        "رمز عبور را به دیگران بگویید.",
        fields=(("correct_answer", False),),
        variants=(V("right", {"value": False}, 1), V("wrong", {"value": True}, 0)),
    ),
    QuestionDef(
        "shortanswer",
        "به جایی که کتاب‌ها را امانت می‌دهند چه می‌گویند؟",
        (("کتاب‌خانه", 1, "درست"), ("کتاب*", 0.5, "نزدیک است")),
        variants=(
            V("right", {"text": "کتاب‌خانه"}, 1),
            V("persian", {"text": "كتابخانه"}, 1),  # Arabic kaf, no half-space
            V("persian", {"text": "كتاب خانه"}, 1),  # Arabic kaf, a space
            V("partial", {"text": "کتاب‌فروشی"}, 0.5),  # the wildcard answer
            V("wrong", {"text": "مدرسه"}, 0),
        ),
    ),
    QuestionDef(
        "numerical",
        "عدد پی را با دو رقم اعشار بنویسید.",
        (("3.14", 1, "", "", 0.01), ("3", 0.5, "تقریبی", "", 0.2)),
        variants=(
            V("right", {"text": "3.14"}, 1),
            V("persian", {"text": "۳٫۱۴"}, 1),  # Persian digits and decimal separator
            V("persian", {"text": "3,145"}, 1),  # decimal comma, within the tolerance
            V("partial", {"text": "3.1"}, 0.5),
            V("wrong", {"text": "۲"}, 0),
            V("wrong", {"text": "سه"}, 0),  # not a number
        ),
    ),
    QuestionDef(
        "match",
        "هر قبض را به نامش برسانید.",
        (
            ("آب", 1, "", "قبض آب"),
            ("برق", 1, "", "قبض برق"),
            ("گاز", 1, "", "قبض گاز"),
            ("", 0, "", "قبض تلفن"),  # a distractor
        ),
        (("shuffle_choices", True),),
        variants=(
            V("right", {"pairs": {"1": 1, "2": 2, "3": 3}}, 1),
            V("partial", {"pairs": {"1": 1, "2": 3, "3": 2}}, 1 / 3),
            V("partial", {"pairs": {"1": 1, "2": 2}}, 2 / 3),
            V("wrong", {"pairs": {"1": 4, "2": 1, "3": 2}}, 0),
        ),
    ),
    QuestionDef(
        "ordering",
        "وعده‌های غذا را به ترتیب روز بچینید.",
        (("صبحانه", 0), ("ناهار", 0), ("عصرانه", 0), ("شام", 0)),
        variants=(
            V("right", {"order": [1, 2, 3, 4]}, 1),
            V("partial", {"order": [1, 2, 4, 3]}, 0.5),
            V("partial", {"order": [2, 1, 3, 4]}, 0.5),
            V("wrong", {"order": [4, 3, 2, 1]}, 0),
        ),
    ),
    QuestionDef(
        "cloze",
        CLOZE,
        variants=(
            V("right", gaps("تهران", "5", 1), 1),
            V("persian", gaps("تهران", "۵", 1), 1),  # Persian digit
            V("partial", gaps("طهران", "5", 1), 2.5 / 3),  # half credit in gap 1
            V("partial", gaps("تهران", None, None), 1 / 3),
            V("wrong", gaps("شیراز", "6", 2), 0),
        ),
    ),
)
assert len(DEFINITIONS) == QUESTIONS_PER_ATTEMPT


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--responses", type=int, default=10_000, help="stored responses to re-grade (10000)"
    )
    parser.add_argument("--batch", type=int, default=500, help="responses per bulk_update (500)")
    parser.add_argument(
        "--submits", type=int, default=300, help="attempts started and submitted (300)"
    )
    parser.add_argument("--sizes", default="10,50", help="questions per page quiz (10,50)")
    parser.add_argument("--requests", type=int, default=100, help="timed GETs per page (100)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed GETs per page first (3)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 400 responses, 10 submits, 3 requests, 1 warm-up",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.responses, args.submits, args.requests, args.warmup = 400, 10, 3, 1
    try:
        args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    except ValueError:
        parser.error("--sizes must be numbers separated by commas")
    if min(args.responses, args.batch, args.submits, args.requests, args.warmup, *args.sizes) < 1:
        parser.error("every number must be at least 1")
    return args


# --- environment --------------------------------------------------------------------------


def set_up_environment() -> None:
    render = Template._render
    setup_test_environment()
    # The test environment makes templates keep a copy of every context for the test client;
    # production does not, so render as production does.
    Template._render = render


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def per_s(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else float(count)


# --- data ---------------------------------------------------------------------------------


def make_questions(cat, count: int) -> list[tuple[Question, QuestionDef]]:
    """``count`` questions cycling through DEFINITIONS, with their choices prefetched."""
    from tests.quiz_builders import question

    made = []
    for number in range(count):
        definition = DEFINITIONS[number % len(DEFINITIONS)]
        item = question(  # the helper wraps the text in <p>; cloze gaps keep their syntax
            cat,
            definition.kind,
            definition.text,
            definition.choices,
            name=f"{number + 1:03d} {definition.kind}",
            **dict(definition.fields),
        )
        made.append((item, definition))
    by_pk = Question.objects.prefetch_related("choices").in_bulk([q.pk for q, _d in made])
    return [(by_pk[q.pk], d) for q, d in made]


def cleaned_variants(questions) -> dict[int, list[tuple[Variant, dict]]]:
    """Per question: its variants with the canonical answer the server would store."""
    result = {}
    for item, definition in questions:
        _text, spec = question_spec(item)
        result[item.pk] = [(v, clean_response(spec, v.raw)) for v in definition.variants]
    return result


def make_users(prefix: str, count: int) -> list:
    User = get_user_model()
    User.objects.bulk_create(
        User(username=f"{prefix}-{i}", email=f"{prefix}-{i}@example.org") for i in range(count)
    )
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))


def build_stored_submissions(course, quiz, questions, total: int):
    """``total`` responses in finished attempts (25 per learner); return expected grades."""
    attempts_needed = math.ceil(total / len(questions))
    per_learner = 25
    learners = make_users("bench-graded", math.ceil(attempts_needed / per_learner))
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            user=learners[index // per_learner],
            quiz_key=quiz.translation_key,
            course_key=course.translation_key,
            quiz_page=quiz,
            number=index % per_learner + 1,
            state=Attempt.State.FINISHED,
            submitted_at=now,
            max_marks=Decimal(len(questions)),
        )
        for index in range(attempts_needed)
    )
    if any(a.pk is None for a in attempts):  # a database without RETURNING on bulk inserts
        attempts = list(
            Attempt.objects.filter(quiz_key=quiz.translation_key).order_by("user_id", "number")
        )
    variants = cleaned_variants(questions)
    rng = random.Random(20_24)
    rows, expected = [], {}
    for index, attempt in enumerate(attempts):
        for position, (item, _definition) in enumerate(questions, start=1):
            if len(rows) == total:
                break
            options = variants[item.pk]
            variant, answer = options[(index + position) % len(options)]
            rows.append(
                Response(
                    attempt=attempt,
                    position=position,
                    question=item,
                    spec=snapshot(item, rng=rng, shuffle=True),
                    mark=Decimal(1),
                    answer=answer,
                    answered_at=now,
                )
            )
            expected[(attempt.pk, position)] = variant
    Response.objects.bulk_create(rows, batch_size=1000)
    return expected


# --- 1. grading ---------------------------------------------------------------------------


def regrade(batch: int) -> dict:
    """Re-grade every stored response from its snapshot, as the server grades, in batches."""
    read = graded = written = 0.0
    count, last = 0, 0
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        rows = list(
            Response.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "spec", "answer", "fraction", "state")[:batch]
        )
        t1 = time.perf_counter()
        read += t1 - t0
        if not rows:
            break
        for row in rows:
            services._grade_response(row)
        t2 = time.perf_counter()
        with transaction.atomic():
            Response.objects.bulk_update(rows, ["fraction", "state"])
        t3 = time.perf_counter()
        graded += t2 - t1
        written += t3 - t2
        count += len(rows)
        last = rows[-1].pk
    return {
        "count": count,
        "seconds": time.perf_counter() - started,
        "read_s": read,
        "grade_s": graded,
        "write_s": written,
    }


def check_grades(expected: dict) -> Counter:
    """Compare every stored grade with the expected one; return the counts of states."""
    states: Counter = Counter()
    wrong = []
    for attempt_id, position, state, fraction in Response.objects.values_list(
        "attempt_id", "position", "state", "fraction"
    ):
        variant = expected[(attempt_id, position)]
        states[state] += 1
        if state != variant.state or abs(float(fraction) - variant.fraction) > 1e-4:
            wrong.append((attempt_id, position, variant, state, fraction))
    if wrong:
        sample = "\n".join(map(repr, wrong[:5]))
        raise SystemExit(f"{len(wrong)} responses graded differently than expected:\n{sample}")
    return states


def expected_score(variants: list[Variant]) -> Decimal:
    marks = sum(
        (Decimal(str(round(v.fraction, 7))).quantize(FOUR_PLACES) for v in variants), Decimal(0)
    )
    return (marks / len(variants)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def bench_submits(course, quiz, questions, count: int) -> dict:
    """``count`` enrolled learners start and submit an attempt (one more warms up first)."""
    from courses.services import enrol

    learners = make_users("bench-submit", count + 1)
    for user in learners:  # only learners' grades are reported to the progress core
        enrol(user=user, course=course)
    with CaptureQueriesContext(connection) as start_queries:
        services.attempt_start(user=learners[0], quiz=quiz)
    started = time.perf_counter()
    attempts = [services.attempt_start(user=user, quiz=quiz) for user in learners[1:]]
    start_s = time.perf_counter() - started
    attempts.insert(0, Attempt.objects.get(user=learners[0], quiz_key=quiz.translation_key))

    variants = cleaned_variants(questions)
    plans = []  # (user, attempt, answers, expected score)
    by_attempt: dict[int, list] = {}
    for row in Response.objects.filter(attempt__in=attempts).values(
        "attempt_id", "position", "question_id"
    ):
        by_attempt.setdefault(row["attempt_id"], []).append(row)
    for index, (user, attempt) in enumerate(zip(learners, attempts, strict=True)):
        answers, chosen = {}, []
        for row in by_attempt[attempt.pk]:
            options = variants[row["question_id"]]
            variant, _answer = options[(index + row["position"]) % len(options)]
            answers[str(row["position"])] = variant.raw  # as posted: cleaned by the server
            chosen.append(variant)
        plans.append((user, attempt, answers, expected_score(chosen)))

    user, attempt, answers, _score = plans[0]
    with CaptureQueriesContext(connection) as submit_queries:
        services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)
    timings = []
    started = time.perf_counter()
    for user, attempt, answers, _score in plans[1:]:
        before = time.perf_counter()
        services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)
        timings.append(time.perf_counter() - before)
    submit_s = time.perf_counter() - started

    scores = dict(
        Attempt.objects.filter(
            pk__in=[a.pk for a in attempts], state=Attempt.State.FINISHED
        ).values_list("pk", "score")
    )
    wrong = [
        (a.pk, scores.get(a.pk), score) for _u, a, _a, score in plans if scores.get(a.pk) != score
    ]
    if wrong:
        raise SystemExit(f"{len(wrong)} submitted attempts scored unexpectedly: {wrong[:5]}")
    reported = ActivityProgress.objects.filter(activity_key=quiz.translation_key).count()
    if reported != len(plans):
        raise SystemExit(f"{reported} of {len(plans)} submits reached the progress core")
    timings.sort()
    return {
        "attempt_starts": count,
        "attempt_starts_per_s": per_s(count, start_s),
        "attempt_start_queries": len(start_queries),
        "attempt_submits": count,
        "attempt_submits_per_s": per_s(count, submit_s),
        "attempt_submit_ms": round(1000 * sum(timings) / len(timings), 2),
        "attempt_submit_p95_ms": round(1000 * percentile(timings, 0.95), 2),
        "attempt_submit_queries": len(submit_queries),
        "mean_score": round(float(sum(p[3] for p in plans) / len(plans)), 4),
    }


# --- 2. pages -----------------------------------------------------------------------------


def prepare_learner_attempts(learner, quiz, questions) -> tuple[int, int]:
    """One finished attempt and one open attempt with saved answers.

    Return the open attempt's id and the queries of submitting the first one.
    """
    variants = cleaned_variants(questions)
    first = services.attempt_start(user=learner, quiz=quiz)
    right = {}
    for row in first.responses.all():
        right[str(row.position)] = variants[row.question_id][0][0].raw
    with CaptureQueriesContext(connection) as submit_queries:
        services.attempt_submit(user=learner, attempt_id=first.pk, answers=right)
    second = services.attempt_start(user=learner, quiz=quiz)
    mixed = {}
    for row in second.responses.all():
        options = variants[row.question_id]
        mixed[str(row.position)] = options[row.position % len(options)][0].raw
    services.attempt_save(user=learner, attempt_id=second.pk, answers=mixed)
    return second.pk, len(submit_queries)


def get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
    return response


def captured(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return [query["sql"] for query in queries.captured_queries]


def measure(client: Client, url: str, *, requests: int, warmup: int) -> dict:
    for _ in range(warmup):
        get(client, url)
    queries = captured(client, url)
    timings = []
    started = time.perf_counter()
    for _ in range(requests):
        before = time.perf_counter()
        get(client, url)
        timings.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    timings.sort()
    cache.clear()
    queries_cold = captured(client, url)
    return {
        "url": url,
        "per_s": per_s(requests, elapsed),
        "ms": round(1000 * sum(timings) / len(timings), 2),
        "p95_ms": round(1000 * percentile(timings, 0.95), 2),
        "queries": len(queries),
        "queries_cold": len(queries_cold),
        "sql": queries,
    }


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def shape(sql: str) -> str:
    """A query with its literal values blanked, so the same query of two pages compares."""
    return " ".join(_LITERALS.sub("?", sql).split())


def growing_queries(small: list[str], large: list[str]) -> list[str]:
    """The query shapes run more often on the larger quiz, with both counts."""
    before, after = Counter(map(shape, small)), Counter(map(shape, large))
    return [
        f"{before[sql]} -> {after[sql]}: {sql[:200]}"
        for sql in sorted(set(before) | set(after))
        if after[sql] > before[sql]
    ]


# --- run ----------------------------------------------------------------------------------


def build(args):
    from courses.services import enrol
    from tests.builders import build_course
    from tests.quiz_builders import build_quiz, category

    built = build_course(slug="bench-course", lessons=1)
    course = built.course
    standard = make_questions(category(course, name="bench-standard"), QUESTIONS_PER_ATTEMPT)
    bank = make_questions(category(course, name="bench-bank"), max(args.sizes))
    grading_quiz = build_quiz(course, [q for q, _d in standard], slug="bench-grading")
    submit_quiz = build_quiz(course, [q for q, _d in standard], slug="bench-submit")
    page_quizzes = {
        size: build_quiz(course, [q for q, _d in bank[:size]], slug=f"bench-quiz-{size}")
        for size in args.sizes
    }
    learner = get_user_model().objects.create_user(  # no password: logged in by force_login
        username="bench-learner", email="bench-learner@example.org"
    )
    enrol(user=learner, course=course)
    return course, standard, bank, grading_quiz, submit_quiz, page_quizzes, learner


def main(argv=None) -> int:
    args = parse_args(argv)
    set_up_environment()
    vendor = connection.vendor
    old_name = create_database()
    try:
        cache.clear()  # entries of another database must not be read
        course, standard, bank, grading_quiz, submit_quiz, page_quizzes, learner = build(args)

        expected = build_stored_submissions(course, grading_quiz, standard, args.responses)
        regraded = regrade(args.batch)
        states = check_grades(expected)

        submits = bench_submits(course, submit_quiz, standard, args.submits)

        client = Client()
        client.force_login(learner)
        pages: dict[int, dict] = {}
        submit_queries: dict[str, int] = {}
        open_attempts: dict[int, int] = {}
        # Every submit first, with the caches as the submits above left them: measuring a
        # page clears the cache, which would count cache fills as queries of a submit.
        for size, quiz in page_quizzes.items():
            open_attempts[size], submit_queries[str(size)] = prepare_learner_attempts(
                learner, quiz, bank[:size]
            )
        for size, quiz in page_quizzes.items():
            open_attempt = open_attempts[size]
            with translation.override("fa"):
                urls = {
                    "quiz_page": quiz.url,
                    "attempt_page": reverse("quizzes:attempt", args=[open_attempt]),
                }
            pages[size] = {
                page: measure(client, urls[page], requests=args.requests, warmup=args.warmup)
                for page in PAGES
            }
    finally:
        cache.clear()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()

    small, large = min(args.sizes), max(args.sizes)
    growth = {
        page: growing_queries(pages[small][page]["sql"], pages[large][page]["sql"])
        for page in PAGES
    }
    flat = all(len({pages[size][page]["queries"] for size in args.sizes}) == 1 for page in PAGES)
    summary = {
        "database": vendor,
        "responses": regraded["count"],
        "responses_graded_per_s": per_s(regraded["count"], regraded["seconds"]),
        "grade_only_per_s": per_s(regraded["count"], regraded["grade_s"]),
        "regrade_s": round(regraded["seconds"], 3),
        "regrade_read_s": round(regraded["read_s"], 3),
        "regrade_grade_s": round(regraded["grade_s"], 3),
        "regrade_write_s": round(regraded["write_s"], 3),
        "regrade_batch": args.batch,
        "response_states": dict(sorted(states.items())),
        **submits,
        "sizes": args.sizes,
        "requests": args.requests,
    }
    for page in PAGES:
        for key in ("per_s", "ms", "p95_ms", "queries", "queries_cold"):
            summary[f"{page}_{key}"] = {str(s): pages[s][page][key] for s in args.sizes}
    summary["submit_queries"] = submit_queries
    summary["queries_flat"] = flat
    summary["max_rss_mb"] = max_rss_mb()

    print(
        f"Savad quiz benchmark: {vendor}, {regraded['count']} stored responses, "
        f"{args.submits} submits, quizzes of {', '.join(map(str, args.sizes))} questions, "
        f"{args.requests} requests per page (Django test client, enrolled learner)"
    )
    print(
        f"re-grading: {summary['responses_graded_per_s']} responses/s end to end "
        f"(read {summary['regrade_read_s']} s, grade {summary['regrade_grade_s']} s, "
        f"write {summary['regrade_write_s']} s in batches of {args.batch}); "
        f"grading alone {summary['grade_only_per_s']} responses/s"
    )
    print("  states: " + ", ".join(f"{k} {v}" for k, v in summary["response_states"].items()))
    print(
        f"attempt_start: {submits['attempt_starts_per_s']} attempts/s, "
        f"{submits['attempt_start_queries']} queries each"
    )
    print(
        f"attempt_submit: {submits['attempt_submits_per_s']} attempts/s, mean "
        f"{submits['attempt_submit_ms']} ms, p95 {submits['attempt_submit_p95_ms']} ms, "
        f"{submits['attempt_submit_queries']} queries each "
        f"({QUESTIONS_PER_ATTEMPT} questions, mean score {submits['mean_score']})"
    )
    header = (
        f"{'page':<13} {'questions':>9} {'req/s':>8} {'mean ms':>9} {'p95 ms':>9} "
        f"{'queries':>8} {'cold':>6}"
    )
    print(header)
    print("-" * len(header))
    for page in PAGES:
        for size in args.sizes:
            row = pages[size][page]
            print(
                f"{page:<13} {size:>9} {row['per_s']:>8} {row['ms']:>9} {row['p95_ms']:>9} "
                f"{row['queries']:>8} {row['queries_cold']:>6}"
            )
    print(
        "attempt_submit queries by quiz size: "
        + ", ".join(f"{n} questions {q}" for n, q in submit_queries.items())
    )
    if flat:
        print(f"queries per page are flat from {small} to {large} questions")
    for page, lines in growth.items():
        if lines:
            print(f"{page}: queries growing from {small} to {large} questions:")
            for line in lines:
                print(f"  {line}")
    print(f"peak memory (max RSS): {summary['max_rss_mb']} MB")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
