"""Benchmark of site search over generated lessons in Persian and English.

    DATABASE_URL=postgres://… python bench/search.py [--lessons 10000] [--courses 20]
        [--queries 200] [--warmup 5]

A throwaway database is created for the run (``bench/database.py``) and dropped at the end.
It gets the demo site tree, then ``--courses`` courses (half Persian, half English) holding
``--lessons`` lessons between them, whose titles and bodies are drawn (seeded) from a small
vocabulary; some Persian text is written with Arabic letters, Persian digits and ZWNJ
compounds, as people write it. The lessons are saved without indexing, then indexed in one
``update_index``; on PostgreSQL ``VACUUM ANALYZE`` follows.

Timed for a learner enrolled in every course (so every lesson may be found), ``--queries``
queries drawn from the vocabulary, one to three words, in both languages and in variant
spellings:

- ``search``: ``search.selectors.search_pages`` and the first page of ten results with their
  snippets and courses, plus the count (what the page shows, without the HTML);
- ``page``: ``GET /<lang>/search/?q=…`` through Django's test client (the whole view);
- ``autocomplete``: ``GET /<lang>/search/suggest/?q=…`` with the first letters of a word;
- beside them, on PostgreSQL, ``raw``: the same terms as one hand-written query on Wagtail's
  index table (``(title || body) @@ to_tsquery('simple', …)``, GIN-indexed, ranked with
  ``ts_rank``, ten rows and the count): the floor the search cannot beat. ``ratio`` is
  search p95 / raw p95 (the goal is 2 or less); on SQLite both are null.

The last line is one JSON object:
``{"database": …, "lessons": …, "search": {"p50_ms": …, "p95_ms": …}, "page": {…},
"autocomplete": {…}, "raw": {…} | null, "ratio": … | null, …}``.
"""

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from bench.database import create_database  # noqa: E402

PERSIAN = (  # noqa: SIM905 - a sentence of words reads better than a list
    "گوشی هوشمند کارت بانکی حساب پرداخت قبض برق آب گاز رمز عبور امنیت اینترنت مرورگر "
    "ایمیل پیام برنامه نصب دانلود فایل عکس ویدیو شبکه اجتماعی دولت خدمات ثبت نام فرم "
    "مالیات بیمه سلامت نوبت پزشک بانکداری انتقال وجه کیف پول رمز دو مرحله‌ای اطلاعات "
    "شخصی حریم خصوصی ویروس کلاهبرداری پیامک تماس مخاطب تقویم نقشه مسیر خرید فروشگاه "
    "سفارش ارسال کد تأیید"
).split()
# How people also write some of these words (Arabic letters, no ZWNJ, Persian digits).
PERSIAN_VARIANTS = {
    "گوشی": "گوشي",
    "کارت": "كارت",
    "بانکی": "بانكي",
    "پیام": "پيام",
    "مرحله‌ای": "مرحله ای",
    "کد": "كد",
    "شخصی": "شخصي",
}
ENGLISH = (  # noqa: SIM905
    "phone smart card bank account payment bill electricity water gas password security "
    "internet browser email message app install download file photo video network social "
    "government service register form tax insurance health appointment doctor banking "
    "transfer wallet code verification personal privacy virus scam text call contact "
    "calendar map route shopping store order delivery"
).split()
# Rarer words, made of syllables, so that a query finds tens of lessons rather than thousands:
# words are drawn with Zipf weights (the n-th word 1/n as often as the first).
_SYLLABLES = {
    "fa": ["با", "نو", "سا", "ری", "مه", "تا", "کو", "دی", "زر", "پا", "شی", "لا"],
    "en": ["ka", "lo", "mi", "ra", "te", "so", "vu", "ne", "di", "pa", "zo", "bi"],
}
RARE_WORDS = 1500


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=10000, help="lessons in all (10000)")
    parser.add_argument("--courses", type=int, default=20, help="courses, half per language (20)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries of each kind (200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed queries of each kind (5)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the text (1)")
    args = parser.parse_args(argv)
    if args.courses < 2 or min(args.lessons, args.queries, args.warmup) < 1:
        parser.error("--courses must be at least 2; the other sizes at least 1")
    if args.lessons < args.courses:
        parser.error("--lessons must be at least --courses")
    return args


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))
    return ordered[rank - 1]


def summary(times: list[float]) -> dict:
    return {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2)}


def vocabulary(language: str) -> tuple[list[str], list[float]]:
    """The words of ``language``, common first, and their Zipf weights."""
    syllables = _SYLLABLES[language]
    rare = [
        "".join(syllables[(n // len(syllables) ** i) % len(syllables)] for i in range(3))
        for n in range(RARE_WORDS)
    ]
    common = PERSIAN if language == "fa" else ENGLISH
    found = list(dict.fromkeys(common + rare))
    return found, [1 / rank for rank in range(1, len(found) + 1)]


VOCABULARIES = {code: vocabulary(code) for code in ("fa", "en")}


def words(rng: random.Random, language: str, count: int, *, variants: bool = False) -> str:
    found, weights = VOCABULARIES[language]
    chosen = rng.choices(found, weights=weights, k=count)
    if variants and language == "fa":
        chosen = [PERSIAN_VARIANTS.get(w, w) if rng.random() < 0.3 else w for w in chosen]
    return " ".join(chosen)


def build(args, rng: random.Random):
    """The site tree, the courses and lessons (saved without indexing) and an enrolled learner."""
    from wagtail.models import Page

    from courses.models import CoursePage, LessonPage
    from courses.services import enrol
    from demo import site
    from tests.builders import catalogue

    site.seed(courses=False)
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    backend["AUTO_UPDATE"] = False  # indexed once, in bulk, below
    learner = get_user_model().objects.create_user(
        username="bench-learner", email="bench-learner@example.org"
    )
    per_course, extra = divmod(args.lessons, args.courses)
    for number in range(args.courses):
        language = "fa" if number % 2 == 0 else "en"
        parent = catalogue(language)
        course = CoursePage(
            title=words(rng, language, 3),
            slug=f"bench-{number}",
            summary=words(rng, language, 25, variants=True),
            locale=parent.locale,
        )
        parent.add_child(instance=course)
        course.save_revision().publish()
        enrol(user=learner, course=course)
        for lesson_number in range(per_course + (1 if number < extra else 0)):
            body = words(rng, language, 60, variants=True)
            if language == "fa" and lesson_number % 7 == 0:
                body += f" مبلغ {lesson_number + 100:,} ریال".translate(
                    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
                )
            lesson = LessonPage(
                title=words(rng, language, 3, variants=True),
                slug=f"lesson-{lesson_number}",
                locale=parent.locale,
                live=True,
                has_unpublished_changes=False,
                body=[("text", f"<p>{body}</p>")],
            )
            course.add_child(instance=lesson)
    Page.objects.filter(live=True, first_published_at__isnull=True).update(
        first_published_at=django.utils.timezone.now()
    )
    backend["AUTO_UPDATE"] = True
    return learner


def index() -> float:
    started = time.perf_counter()
    call_command("update_index", stdout=io.StringIO())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 2)


def make_queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    queries = []
    for number in range(count):
        language = "fa" if number % 2 == 0 else "en"
        queries.append((language, words(rng, language, rng.choice((1, 1, 2, 3)), variants=True)))
    return queries


def time_calls(call, items, warmup: int) -> list[float]:
    for item in items[:warmup]:
        call(*item)
    times = []
    for item in items:
        started = time.perf_counter()
        call(*item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(learner, queries: list[tuple[str, str]], warmup: int) -> dict:
    from wagtail.models import Locale

    from search.selectors import clean_query, describe_results, result_page, search_pages

    locales = {code: Locale.objects.get(language_code=code) for code in ("fa", "en")}
    found = []

    def selector(language, text):
        query = clean_query(text)
        results = search_pages(query, locale=locales[language], user=learner)
        page = result_page(results, 1, per_page=10)
        found.append(page.paginator.count)
        describe_results(page.object_list, query=query)

    client = Client()
    client.force_login(learner)

    def view(language, text):
        response = client.get(f"/{language}/search/", {"q": text})
        if response.status_code != 200:
            raise SystemExit(f"search for {text!r} answered {response.status_code}")

    def suggest(language, text):
        response = client.get(f"/{language}/search/suggest/", {"q": text})
        if response.status_code != 200:
            raise SystemExit(f"suggest {text!r} answered {response.status_code}")

    prefixes = [(language, text.split()[0][:3]) for language, text in queries]
    figures = {
        "search": summary(time_calls(selector, queries, warmup)),
        "page": summary(time_calls(view, queries, warmup)),
        "autocomplete": summary(time_calls(suggest, prefixes, warmup)),
    }
    timed = found[warmup:]
    figures["queries_with_results"] = sum(1 for count in timed if count)
    figures["mean_results"] = round(sum(timed) / len(timed), 1)
    figures["raw"] = raw(queries, warmup) if connection.vendor == "postgresql" else None
    return figures


def raw(queries: list[tuple[str, str]], warmup: int) -> dict:
    """The same terms as one hand-written tsvector query on Wagtail's index table."""
    from wagtail.search.models import IndexEntry

    from search.selectors import clean_query, search_terms

    table = connection.ops.quote_name(IndexEntry._meta.db_table)
    sql = (
        f"SELECT object_id, count(*) OVER () FROM {table} "  # noqa: S608 - a model's table
        "WHERE (title || body) @@ to_tsquery('simple', %s) "
        "ORDER BY ts_rank(title || body, to_tsquery('simple', %s)) DESC LIMIT 10"
    )

    def run(_language, text):
        terms = " & ".join(search_terms(clean_query(text)).split())
        with connection.cursor() as cursor:
            cursor.execute(sql, [terms, terms])
            cursor.fetchall()

    return summary(time_calls(run, queries, warmup))


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    vendor = connection.vendor
    render = Template._render
    setup_test_environment()
    Template._render = render  # render as production does (no context copies for the client)
    old_name = create_database()
    try:
        started = time.perf_counter()
        learner = build(args, rng)
        built_s = round(time.perf_counter() - started, 2)
        index_s = index()
        from courses.models import LessonPage

        lessons = LessonPage.objects.count()
        figures = measure(learner, make_queries(rng, args.queries), args.warmup)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    ratio = None
    if figures["raw"]:
        ratio = round(figures["search"]["p95_ms"] / max(figures["raw"]["p95_ms"], 0.001), 2)
    result = {
        "database": vendor,
        "lessons": lessons,
        "courses": args.courses,
        "queries": args.queries,
        **figures,
        "ratio": ratio,
        "build_s": built_s,
        "index_s": index_s,
    }
    print(
        f"Savad search: {vendor}, {lessons} lessons in {args.courses} courses (built in "
        f"{built_s} s, indexed in {index_s} s), {args.queries} queries "
        f"({figures['queries_with_results']} with results, {figures['mean_results']} on average)"
    )
    for name in ("search", "page", "autocomplete", "raw"):
        row = figures[name]
        if row:
            print(f"  {name:<12} p50 {row['p50_ms']:>8} ms  p95 {row['p95_ms']:>8} ms")
    if ratio is not None:
        print(f"  search p95 / raw p95: {ratio}× (goal: 2× or less)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
