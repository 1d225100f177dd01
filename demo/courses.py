"""Two small demo courses, each in Persian and English, for ``seed_demo`` (idempotent)."""

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page

from competences.models import Competence
from courses import services
from courses.models import (
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    GlossaryTerm,
    LessonPage,
    Level,
    ModulePage,
)

CATALOGUE = {
    "fa": {
        "title": "دوره‌ها",
        "slug": "courses",
        "intro": "دوره‌های کوتاه برای مهارت‌های روزمرهٔ دیجیتال.",
    },
    "en": {
        "title": "Courses",
        "slug": "courses",
        "intro": "Short courses for everyday digital skills.",
    },
}

GLOSSARY = {
    "fa": {
        "term": "گذرواژه",
        "definition": "رشته‌ای از حروف و اعداد که فقط شما می‌دانید و با آن وارد حساب خود می‌شوید.",
    },
    "en": {
        "term": "Password",
        "definition": "A string of letters and numbers only you know, used to sign in to your account.",
    },
}


def _text(html):
    return ("text", html)


COURSES = [
    {
        "slug": "your-phone",
        "level": Level.BEGINNER,
        "minutes": 45,
        "mode": EnrolmentMode.OPEN,
        "competences": ["1.1", "4.1"],
        "fa": {
            "title": "گوشی همراه، گام به گام",
            "summary": "با صفحهٔ لمسی، برنامه‌ها و تنظیمات ساده‌ی گوشی همراه آشنا شوید.",
            "audience": "کسانی که تازه گوشی هوشمند گرفته‌اند",
            "outcomes": [
                "روشن و قفل کردن گوشی",
                "باز کردن و بستن برنامه‌ها",
                "ساختن یک گذرواژهٔ امن",
            ],
        },
        "en": {
            "title": "Your phone, step by step",
            "summary": "Get to know the touch screen, apps and simple settings of a smartphone.",
            "audience": "People who have just got a smartphone",
            "outcomes": [
                "Turn the phone on and lock it",
                "Open and close apps",
                "Make a strong password",
            ],
        },
        "module": {
            "slug": "first-steps",
            "fa": {"title": "نخستین گام‌ها", "intro": "آشنایی با دکمه‌ها و صفحه."},
            "en": {"title": "First steps", "intro": "Buttons and the screen."},
            "lessons": ["touch-screen", "apps"],
        },
        "lessons": {
            "touch-screen": {
                "fa": (
                    "کار با صفحهٔ لمسی",
                    [
                        ("heading", {"text": "لمس، کشیدن، بزرگ‌نمایی", "level": "h2"}),
                        _text(
                            "<p>صفحهٔ لمسی با نوک انگشت کار می‌کند. آرام بزنید؛ فشار لازم نیست.</p>"
                        ),
                        (
                            "callout",
                            {
                                "kind": "tip",
                                "title": "",
                                "text": "<p>اگر صفحه خاموش شد، دکمهٔ کناری را یک بار فشار دهید.</p>",
                            },
                        ),
                        (
                            "steps",
                            {
                                "title": "بزرگ کردن متن",
                                "steps": [
                                    {
                                        "text": "<p>برنامهٔ <b>تنظیمات</b> را باز کنید.</p>",
                                        "screenshot": None,
                                        "screenshot_alt": "",
                                    },
                                    {
                                        "text": "<p>بخش <b>نمایشگر</b> را بزنید.</p>",
                                        "screenshot": None,
                                        "screenshot_alt": "",
                                    },
                                    {
                                        "text": "<p>اندازهٔ قلم را بزرگ‌تر کنید.</p>",
                                        "screenshot": None,
                                        "screenshot_alt": "",
                                    },
                                ],
                            },
                        ),
                        (
                            "key_points",
                            {
                                "title": "",
                                "points": ["یک لمس کوتاه یعنی انتخاب", "دو انگشت برای بزرگ‌نمایی"],
                            },
                        ),
                    ],
                ),
                "en": (
                    "Using the touch screen",
                    [
                        ("heading", {"text": "Tap, swipe, zoom", "level": "h2"}),
                        _text(
                            "<p>The touch screen works with your fingertip. Tap gently; no need to press hard.</p>"
                        ),
                        (
                            "callout",
                            {
                                "kind": "tip",
                                "title": "",
                                "text": "<p>If the screen goes dark, press the side button once.</p>",
                            },
                        ),
                        (
                            "steps",
                            {
                                "title": "Make the text bigger",
                                "steps": [
                                    {
                                        "text": "<p>Open the <b>Settings</b> app.</p>",
                                        "screenshot": None,
                                        "screenshot_alt": "",
                                    },
                                    {
                                        "text": "<p>Tap <b>Display</b>.</p>",
                                        "screenshot": None,
                                        "screenshot_alt": "",
                                    },
                                    {
                                        "text": "<p>Make the font size larger.</p>",
                                        "screenshot": None,
                                        "screenshot_alt": "",
                                    },
                                ],
                            },
                        ),
                        (
                            "key_points",
                            {"title": "", "points": ["A short tap selects", "Two fingers zoom in"]},
                        ),
                    ],
                ),
            },
            "apps": {
                "fa": (
                    "باز و بسته کردن برنامه‌ها",
                    [
                        _text(
                            "<p>هر نماد روی صفحه یک برنامه است. برای باز کردن، آن را یک بار لمس کنید.</p>"
                        ),
                        (
                            "callout",
                            {
                                "kind": "note",
                                "title": "",
                                "text": "<p>بستن برنامه چیزی را پاک نمی‌کند.</p>",
                            },
                        ),
                    ],
                ),
                "en": (
                    "Opening and closing apps",
                    [
                        _text("<p>Each icon on the screen is an app. Tap it once to open it.</p>"),
                        (
                            "callout",
                            {
                                "kind": "note",
                                "title": "",
                                "text": "<p>Closing an app does not delete anything.</p>",
                            },
                        ),
                    ],
                ),
            },
            "passwords": {
                "fa": (
                    "یک گذرواژهٔ امن",
                    [
                        ("glossary", "GLOSSARY"),
                        _text(
                            "<p>گذرواژهٔ خوب بلند است و حدس زدنش سخت است. آن را به کسی نگویید.</p>"
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "title": "هشدار",
                                "text": "<p>هیچ بانک یا اداره‌ای گذرواژهٔ شما را تلفنی نمی‌پرسد.</p>",
                            },
                        ),
                    ],
                ),
                "en": (
                    "A strong password",
                    [
                        ("glossary", "GLOSSARY"),
                        _text(
                            "<p>A good password is long and hard to guess. Never tell it to anyone.</p>"
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "title": "Warning",
                                "text": "<p>No bank or office asks for your password on the phone.</p>",
                            },
                        ),
                    ],
                ),
            },
        },
        "lesson_order": ["passwords"],
    },
    {
        "slug": "pay-a-bill-online",
        "level": Level.BEGINNER,
        "minutes": 30,
        "mode": EnrolmentMode.OPEN,
        "competences": ["2.3", "4.2"],
        "fa": {
            "title": "پرداخت قبض به‌صورت آنلاین",
            "summary": "قبض آب، برق یا گاز را با خیال راحت در اینترنت بپردازید.",
            "audience": "همهٔ بزرگسالان",
            "outcomes": ["پیدا کردن شناسهٔ قبض و شناسهٔ پرداخت", "شناختن درگاه پرداخت امن"],
        },
        "en": {
            "title": "Paying a utility bill online",
            "summary": "Pay your water, power or gas bill on the internet, safely.",
            "audience": "All adults",
            "outcomes": ["Find the bill ID and payment ID", "Recognise a safe payment page"],
        },
        "module": None,
        "lessons": {
            "bill-ids": {
                "fa": (
                    "شناسهٔ قبض و شناسهٔ پرداخت",
                    [
                        _text(
                            "<p>روی هر قبض دو عدد هست: <b>شناسهٔ قبض</b> و <b>شناسهٔ پرداخت</b>.</p>"
                        ),
                        ("key_points", {"title": "", "points": ["هر دو عدد را با دقت وارد کنید"]}),
                    ],
                ),
                "en": (
                    "Bill ID and payment ID",
                    [
                        _text(
                            "<p>Every bill shows two numbers: the <b>bill ID</b> and the <b>payment ID</b>.</p>"
                        ),
                        ("key_points", {"title": "", "points": ["Type both numbers carefully"]}),
                    ],
                ),
            },
            "safe-payment": {
                "fa": (
                    "درگاه پرداخت امن",
                    [
                        _text(
                            '<p>نشانی درگاه باید با <span dir="ltr">https://</span> شروع شود و نام بانک را نشان دهد.</p>'
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "title": "",
                                "text": "<p>رمز دوم کارت را فقط در صفحهٔ بانک وارد کنید.</p>",
                            },
                        ),
                    ],
                ),
                "en": (
                    "A safe payment page",
                    [
                        _text(
                            "<p>The payment page address must start with https:// and show the bank's name.</p>"
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "title": "",
                                "text": "<p>Type your card's second password only on the bank's page.</p>",
                            },
                        ),
                    ],
                ),
            },
        },
        "lesson_order": ["bill-ids", "safe-payment"],
    },
]


def seed_catalogues(*, homes: dict[str, Page], report) -> dict[str, Page]:
    """The course catalogue under each home page, reviewed by the Course review workflow."""
    locales = {code: Locale.objects.get(language_code=code) for code in homes}
    catalogue = ensure_translated(
        parent=homes["fa"],
        model=CatalogueIndexPage,
        slug=CATALOGUE["fa"]["slug"],
        fields=CATALOGUE,
        locales=locales,
        report=report,
    )
    services.catalogue_use_review_workflow(catalogue["fa"])
    services.catalogue_use_review_workflow(catalogue["en"])
    return catalogue


def seed_courses(*, catalogues: dict[str, Page], report) -> None:
    locales = {code: Locale.objects.get(language_code=code) for code in catalogues}
    glossary = _ensure_glossary(locales, report)
    catalogue = catalogues
    teacher = get_user_model().objects.filter(username="teacher").first()
    for spec in COURSES:
        fields = {
            code: {
                "title": spec[code]["title"],
                "summary": spec[code]["summary"],
                "audience": spec[code]["audience"],
                "level": spec["level"],
                "estimated_minutes": spec["minutes"],
                "enrolment_mode": spec["mode"],
                "outcomes": [("outcome", text) for text in spec[code]["outcomes"]],
            }
            for code in locales
        }
        course = ensure_translated(
            parent=catalogue["fa"],
            model=CoursePage,
            slug=spec["slug"],
            fields=fields,
            locales=locales,
            report=report,
        )
        competences = list(Competence.objects.filter(code__in=spec["competences"]))
        for page in course.values():
            if set(page.competences.all()) != set(competences):
                page.competences.set(competences)
                page.save_revision().publish()
        services.course_ensure_editors_group(
            course=course["fa"], owners=[teacher] if teacher else []
        )
        services.course_ensure_editors_group(course=course["en"])
        module = None
        if spec["module"]:
            module = ensure_translated(
                parent=course["fa"],
                model=ModulePage,
                slug=spec["module"]["slug"],
                fields={code: spec["module"][code] for code in locales},
                locales=locales,
                report=report,
            )
            for slug in spec["module"]["lessons"]:
                _ensure_lesson(module["fa"], slug, spec["lessons"][slug], glossary, locales, report)
        for slug in spec["lesson_order"]:
            _ensure_lesson(course["fa"], slug, spec["lessons"][slug], glossary, locales, report)
    learner = get_user_model().objects.filter(username="learner").first()
    first_course = CoursePage.objects.get(slug=COURSES[0]["slug"], locale=locales["fa"])
    if (
        learner
        and not Enrolment.objects.filter(
            user=learner, course_key=first_course.translation_key
        ).exists()
    ):
        services.enrol(user=learner, course=first_course, source=Enrolment.Source.DEMO)
        report.changes.append("enrolled the demo learner in the first demo course")


def _ensure_glossary(locales, report) -> dict[str, GlossaryTerm]:
    fa = GlossaryTerm.objects.filter(locale=locales["fa"], term=GLOSSARY["fa"]["term"]).first()
    if fa is None:
        fa = GlossaryTerm.objects.create(locale=locales["fa"], **GLOSSARY["fa"])
        report.changes.append("created a demo glossary term")
    en = GlossaryTerm.objects.filter(
        translation_key=fa.translation_key, locale=locales["en"]
    ).first()
    if en is None:
        en = fa.copy_for_translation(locales["en"])
        en.term, en.definition = GLOSSARY["en"]["term"], GLOSSARY["en"]["definition"]
        en.save()
    return {"fa": fa, "en": en}


def _ensure_lesson(parent_fa, slug, spec, glossary, locales, report) -> None:
    fields = {}
    for code in locales:
        title, body = spec[code]
        body = [(kind, glossary[code] if value == "GLOSSARY" else value) for kind, value in body]
        fields[code] = {"title": title, "body": body, "estimated_minutes": 10}
    ensure_translated(
        parent=parent_fa, model=LessonPage, slug=slug, fields=fields, locales=locales, report=report
    )


def ensure_translated(*, parent, model, slug, fields, locales, report) -> dict[str, Page]:
    """A published page under the Persian ``parent`` and its published English translation."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, locale=locales["fa"], **_field_values(fields["fa"]))
        parent.add_child(instance=page)
        page.save_revision().publish()
        report.changes.append(f"created {model._meta.verbose_name} “{page.title}”")
    pages = {"fa": page}
    english = model.objects.filter(
        translation_key=page.translation_key, locale=locales["en"]
    ).first()
    if english is None:
        english = page.copy_for_translation(locales["en"], copy_parents=True)
        for name, value in _field_values(fields["en"]).items():
            setattr(english, name, value)
        english.slug = slug
        english.save_revision().publish()
        report.changes.append(
            f"translated {model._meta.verbose_name} “{english.title}” into English"
        )
    pages["en"] = english
    return pages


def _field_values(values: dict) -> dict:
    return {name: value for name, value in values.items() if name != "slug"}
