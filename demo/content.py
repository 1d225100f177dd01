"""The demo practice lesson: two H5P exercises in each lesson's own language.

The exercises are written here and built into ``.h5p`` packages from the libraries of the
openly licensed fixtures in ``tests/fixtures/h5p/`` (see SOURCES.md there), as the
curriculum's are (``demo.curriculum.h5p``), then imported through the normal upload pipeline:
the Persian lesson gets Persian packages, the English translation English ones.
Idempotent: packages are found again by title and the lesson is created once. The packages
belong to the lesson's course and were uploaded by the demo teacher (who edits that course).
"""

from django.contrib.auth import get_user_model
from wagtail.models import Locale

from content.models import H5PPackage
from courses.models import CoursePage, LessonPage
from demo.curriculum import import_exercise

COURSE_SLUG = "your-phone"
LESSON_SLUG = "interactive-practice"
LESSON = {
    "fa": (
        "تمرین تعاملی",
        "<p>دو تمرین کوتاه: روی پاسخ بزنید و «بررسی» را لمس کنید. پاسخ‌هایتان ذخیره می‌شود و "
        "اگر صفحه را دوباره باز کنید، از همان‌جا ادامه می‌دهید.</p>",
    ),
    "en": (
        "Interactive practice",
        "<p>Two short exercises: tap an answer, then “Check”. Your answers are saved, so "
        "you can come back and continue.</p>",
    ),
}
EXERCISES = {
    "fa": [
        {
            "type": "multichoice",
            "title": "به‌روزرسانی گوشی",
            "question": "گوشی پیام داده که به‌روزرسانی تازه‌ای آماده است. بهترین کار چیست؟",
            "answers": [
                {
                    "text": "گوشی را به برق و وای‌فای وصل می‌کنم و به‌روزرسانی را نصب می‌کنم.",
                    "correct": True,
                    "feedback": "درست است: به‌روزرسانی‌ها حفره‌های امنیتی را می‌بندند.",
                },
                {
                    "text": "پیام را برای همیشه نادیده می‌گیرم.",
                    "correct": False,
                    "feedback": "گوشیِ به‌روزنشده در برابر بدافزار آسیب‌پذیرتر است.",
                },
                {
                    "text": "برنامه‌ای را از یک سایت ناشناس نصب می‌کنم تا کار را انجام دهد.",
                    "correct": False,
                    "feedback": "به‌روزرسانی فقط از تنظیمات خود گوشی انجام می‌شود.",
                },
            ],
        },
        {
            "type": "truefalse",
            "title": "قفل صفحه",
            "question": "قفل صفحه (رمز، الگو یا اثر انگشت) نمی‌گذارد کسی که گوشی را پیدا کرده "
            "پیام‌ها و حساب‌هایتان را ببیند.",
            "correct": True,
        },
    ],
    "en": [
        {
            "type": "multichoice",
            "title": "Updating your phone",
            "question": "Your phone says a new update is ready. What is the best thing to do?",
            "answers": [
                {
                    "text": "Plug the phone in, connect to Wi-Fi and install the update.",
                    "correct": True,
                    "feedback": "Right: updates close security holes.",
                },
                {
                    "text": "Ignore the message for good.",
                    "correct": False,
                    "feedback": "A phone that is not updated is easier for malware to attack.",
                },
                {
                    "text": "Install an app from an unknown website to do it for me.",
                    "correct": False,
                    "feedback": "Updates come only from the phone's own settings.",
                },
            ],
        },
        {
            "type": "truefalse",
            "title": "Screen lock",
            "question": "A screen lock (a PIN, a pattern or a fingerprint) stops someone who "
            "finds your phone from reading your messages and accounts.",
            "correct": True,
        },
    ],
}


def seed_h5p(report) -> None:
    locales = {code: Locale.objects.get(language_code=code) for code in LESSON}
    course = CoursePage.objects.filter(slug=COURSE_SLUG, locale=locales["fa"]).first()
    if course is None or LessonPage.objects.child_of(course).filter(slug=LESSON_SLUG).exists():
        return
    teacher = get_user_model().objects.filter(username="teacher").first()
    packages = {
        code: [
            _ensure_package(exercise, code, report, course=course, teacher=teacher)
            for exercise in exercises
        ]
        for code, exercises in EXERCISES.items()
    }
    lesson = LessonPage(slug=LESSON_SLUG, locale=locales["fa"], **_fields("fa", packages["fa"]))
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    english = lesson.copy_for_translation(locales["en"], copy_parents=True)
    for name, value in _fields("en", packages["en"]).items():
        setattr(english, name, value)
    english.slug = LESSON_SLUG
    english.save_revision().publish()
    report.changes.append("created the interactive practice lesson with two H5P exercises")


def _fields(language: str, packages: list[H5PPackage]) -> dict:
    title, text = LESSON[language]
    body = [("text", text)] + [
        ("h5p", {"package": package, "title": package.title}) for package in packages
    ]
    return {"title": title, "body": body, "estimated_minutes": 5}


def _ensure_package(exercise: dict, language: str, report, *, course, teacher) -> H5PPackage:
    existing = H5PPackage.objects.filter(title=exercise["title"], course=course).first()
    if existing is not None and existing.is_ready:
        return existing
    package = import_exercise(
        exercise, language=language, slug=LESSON_SLUG, course=course, teacher=teacher
    )
    report.changes.append(f"imported H5P package “{package.title}” ({language})")
    return package
