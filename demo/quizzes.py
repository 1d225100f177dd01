"""A demo quiz at the end of the bill-paying demo course, in Persian and English (idempotent).

The questions are written in GIFT and go through the same importer teachers use.
"""

from decimal import Decimal

from wagtail.models import Locale

from courses.models import CoursePage
from quizzes.formats.gift import parse_gift
from quizzes.importing import import_questions
from quizzes.models import QuestionCategory, QuizPage, QuizSlot

COURSE_SLUG = "pay-a-bill-online"
QUIZ_SLUG = "bill-quiz"

GIFT = {
    "fa": """
::شناسهٔ قبض::شناسهٔ قبض را کجا پیدا می‌کنید؟ {
=روی خود قبض، کنار شناسهٔ پرداخت #درست است؛ هر دو شناسه روی قبض چاپ شده‌اند.
~در پیامک‌های تبلیغاتی #پیامک تبلیغاتی جای شناسهٔ قبض نیست.
~روی کارت بانکی #کارت بانکی شناسهٔ قبض ندارد.
}

::نشانی امن::نشانی درگاه پرداخت امن با https شروع می‌شود.{TRUE#دوباره به نوار نشانی نگاه کنید.#درست است؛ قفل و https نشانهٔ ارتباط امن است.}

::رمز پویا::به رمزی که برای هر خرید تازه برایتان پیامک می‌شود چه می‌گویند؟ {=رمز پویا =رمز دوم پویا =رمز یکبار مصرف}

::تومان::قبضی ۱۲۰٬۰۰۰ ریال است. چند تومان می‌شود؟ {#12000 ####هر تومان ده ریال است.}

::جفت‌ها::هر مورد را به کارش وصل کنید. {
=شناسهٔ قبض -> نشان می‌دهد قبض مال کدام مشترک است
=شناسهٔ پرداخت -> نشان می‌دهد چه مبلغی برای کدام دوره است
=رمز پویا -> خرید را تأیید می‌کند
}

::تجربهٔ شما::در دو سه جمله بنویسید که کدام قبض را می‌خواهید آنلاین بپردازید و از کجا شروع می‌کنید.{}
""",
    "en": """
::Bill ID::Where do you find the bill ID? {
=On the bill itself, next to the payment ID #Right: both IDs are printed on the bill.
~In advertising text messages #Adverts are not where bill IDs are.
~On your bank card #A bank card has no bill ID.
}

::Safe address::The address of a safe payment page starts with https.{TRUE#Look at the address bar again.#Right: the padlock and https mean a secure connection.}

::Dynamic password::What is the password texted to you for each new purchase called? {=dynamic password =one-time password =OTP}

::Toman::A bill is 120,000 rials. How many tomans is that? {#12000 ####One toman is ten rials.}

::Pairs::Match each item with what it does. {
=Bill ID -> tells whose bill it is
=Payment ID -> tells the amount for which period
=Dynamic password -> confirms the purchase
}

::Your experience::In two or three sentences, write which bill you want to pay online and where you will start.{}
""",
}

TITLES = {"fa": "آزمون پرداخت قبض", "en": "Paying bills: quiz"}
INTROS = {
    "fa": "<p>شش سؤال کوتاه دربارهٔ آنچه در این دوره یاد گرفتید. پاسخ‌ها خودکار ذخیره می‌شوند.</p>",
    "en": "<p>Six short questions on what you learned in this course. Answers are saved as you go.</p>",
}


def seed_quiz(report) -> None:
    """The demo quiz with its own question bank in each language."""
    locales = {code: Locale.objects.get(language_code=code) for code in GIFT}
    course_fa = CoursePage.objects.filter(slug=COURSE_SLUG, locale=locales["fa"]).first()
    if course_fa is None:
        return
    quiz_fa = QuizPage.objects.child_of(course_fa).filter(slug=QUIZ_SLUG).first()
    if quiz_fa is None:
        quiz_fa = QuizPage(
            title=TITLES["fa"],
            slug=QUIZ_SLUG,
            intro=INTROS["fa"],
            locale=locales["fa"],
            attempts_allowed=3,
            pass_mark=Decimal(60),
            estimated_minutes=10,
        )
        course_fa.add_child(instance=quiz_fa)
        _fill(quiz_fa, course_fa, "fa")
        quiz_fa.save_revision().publish()
        report.changes.append(f"created quiz “{quiz_fa.title}”")
    quiz_en = QuizPage.objects.filter(
        translation_key=quiz_fa.translation_key, locale=locales["en"]
    ).first()
    if quiz_en is None:
        quiz_en = quiz_fa.copy_for_translation(locales["en"], copy_parents=True)
        quiz_en.title, quiz_en.intro, quiz_en.slug = TITLES["en"], INTROS["en"], QUIZ_SLUG
        quiz_en.slots.all().delete()
        course_en = CoursePage.objects.get(
            translation_key=course_fa.translation_key, locale=locales["en"]
        )
        _fill(quiz_en, course_en, "en")
        quiz_en.save_revision().publish()
        report.changes.append(f"translated quiz “{quiz_en.title}” into English")


def _fill(quiz: QuizPage, course: CoursePage, language: str) -> None:
    category, _created = QuestionCategory.objects.get_or_create(
        course=course, name=TITLES[language]
    )
    questions = list(category.questions.order_by("pk"))
    if not questions:
        parsed = parse_gift(GIFT[language])
        assert parsed.ok, parsed.errors  # the demo's own GIFT is part of the code
        questions = import_questions(
            parsed=parsed.questions, category=category, source_format="gift"
        )
    for order, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=order)
