"""A small corpus for search tests: Persian text spelled as people really write it.

Two Persian courses and an English one, each with lessons; some text uses Arabic letters,
joined plurals or Persian digits, so a query must fold what the index folded.
"""

from dataclasses import dataclass

from courses import services
from courses.models import CoursePage, LessonPage, ModulePage
from tests.builders import catalogue, publish
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, question


@dataclass
class Corpus:
    pages: dict
    admin: object
    learner: object


def _course(language: str, slug: str, title: str, summary: str, **fields) -> CoursePage:
    parent = catalogue(language)
    course = CoursePage(title=title, slug=slug, summary=summary, locale=parent.locale, **fields)
    parent.add_child(instance=course)
    publish(course)
    services.course_ensure_editors_group(course=course)
    return course


def _lesson(parent, slug: str, title: str, text: str, description: str = "") -> LessonPage:
    lesson = LessonPage(
        title=title,
        slug=slug,
        locale=parent.locale,
        body=[("text", f"<p>{text}</p>")],
        search_description=description,
    )
    parent.add_child(instance=lesson)
    return publish(lesson)


def build_corpus() -> Corpus:
    phone = _course(
        "fa",
        "phone",
        "گوشی هوشمند",
        "با کارت بانکی و حساب‌ها یک بار کار کنید.",
        level="beginner",
    )
    module = ModulePage(title="بخش امنیت", slug="security", intro="رمز دو مرحله‌ای")
    phone.add_child(instance=module)
    publish(module)
    bills = _lesson(
        phone, "bills", "پرداخت قبض برق", "قبض برق را با كارت بانكي پرداخت کنید؛ مبلغ ۱۲۳ ریال."
    )
    apps = _lesson(module, "apps", "برنامه‌ها", "برنامه را نصب می‌کنیم و به‌روز نگه می داریم.")
    bank = _course(
        "fa",
        "bank",
        "بانکداری اینترنتی",
        "مديريت حسابها و كارتهاي بانكي در يك جا.",
        level="intermediate",
    )
    safety = _lesson(bank, "safety", "امنیت", "از أمنیت حساب مراقبت کنید و رمزهاي قوی بسازید.")
    quiz = build_quiz(
        bank,
        [question(category(bank), "truefalse", "کلمهٔ نهانی سری است؟", correct_answer=True)],
        slug="bank-quiz",
        title="آزمون بانکداری",
        intro="<p>پرسش‌هایی دربارهٔ کارت</p>",
    )
    english = _course(
        "en",
        "bills-en",
        "Paying bills online",
        "Make payments safely with your bank card.",
    )
    passwords = _lesson(english, "passwords", "Strong passwords", "Policies for a password.")
    admin = UserFactory(is_superuser=True, is_staff=True)
    learner = UserFactory()
    for course in (phone, bank, english):
        services.enrol(user=learner, course=course)
    pages = {
        "phone": phone,
        "module": module,
        "bills": bills,
        "apps": apps,
        "bank": bank,
        "safety": safety,
        "quiz": quiz,
        "english": english,
        "passwords": passwords,
    }
    return Corpus(pages=pages, admin=admin, learner=learner)
