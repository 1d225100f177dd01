"""Built-in practice simulations, in Persian and English, made through the same page model
teachers use (idempotent). They go into the bill-paying demo course.

Each scenario is a list of steps in the ``simulations.blocks.StepsBlock`` format, with the
attempt's practice data written as ``{{ persona.field }}``. The addresses are made up
(``savad-practice``): no screen copies a real service.
"""

from decimal import Decimal

from wagtail.models import Locale

from courses.models import CoursePage
from simulations.models import Mode, SimulationPage

COURSE_SLUG = "pay-a-bill-online"
P = "{{ persona.%s }}"


def _field(name, label, *, kind="text", expected="", check="", options="", help_text=""):
    return {
        "name": name,
        "label": label,
        "kind": kind,
        "options": options,
        "expected": expected,
        "check": check,
        "help_text": help_text,
    }


def _form(title, instructions, fields, *, hint="", submit=""):
    value = {"title": title, "instructions": instructions, "fields": fields}
    return {"type": "form", "value": {**value, "submit_label": submit, "hint": hint}}


def _info(title, instructions, kind, card_title, lines, *, hint=""):
    return {
        "type": "info",
        "value": {
            "title": title,
            "instructions": instructions,
            "card_kind": kind,
            "card_title": card_title,
            "card_lines": "\n".join(lines),
            "hint": hint,
        },
    }


def _choice(title, question, options, *, hint="", kind="", card_title="", lines=()):
    return {
        "type": "choice",
        "value": {
            "title": title,
            "instructions": question,
            "card_kind": kind,
            "card_title": card_title,
            "card_lines": "\n".join(lines),
            "options": [
                {"text": text, "correct": correct, "feedback": feedback}
                for text, correct, feedback in options
            ],
            "hint": hint,
        },
    }


BILL = {
    "fa": [
        _info(
            "قبض برق شما",
            "این قبض برق تمرینی شماست. آن را نگه دارید؛ در قدم‌های بعد به آن نیاز دارید.",
            "bill",
            "قبض برق (نمونهٔ تمرینی)",
            [
                f"مشترک | {P % 'name'}",
                f"شناسهٔ قبض | {P % 'bill_id'}",
                f"شناسهٔ پرداخت | {P % 'payment_id'}",
                f"مبلغ قابل پرداخت (ریال) | {P % 'amount'}",
                f"مهلت پرداخت | {P % 'due_date'}",
            ],
        ),
        _form(
            "نوع قبض",
            "در درگاه پرداخت قبض، اول نوع قبض را انتخاب کنید.",
            [
                _field(
                    "kind",
                    "کدام قبض را می‌پردازید؟",
                    kind="radio",
                    options="آب\nبرق\nگاز\nتلفن ثابت",
                    expected="برق",
                )
            ],
            hint="بالای قبضی که دیدید نوشته بود «قبض برق».",
        ),
        _form(
            "شناسهٔ قبض و شناسهٔ پرداخت",
            "دو شناسه را دقیقاً همان‌طور که روی قبض آمده وارد کنید. می‌توانید با رقم فارسی یا انگلیسی بنویسید.",
            [
                _field("bill_id", "شناسهٔ قبض", expected=P % "bill_id", check="bill_id"),
                _field("payment_id", "شناسهٔ پرداخت", expected=P % "payment_id", check="payment_id"),
            ],
            hint="هر دو شناسه روی قبض، زیر نام مشترک چاپ شده‌اند. شناسهٔ پرداخت کوتاه‌تر است و با مبلغ و دورهٔ قبض عوض می‌شود.",
            submit="استعلام قبض",
        ),
        _form(
            "مبلغ را بررسی کنید",
            "درگاه مبلغ قبض را نشان می‌دهد. پیش از پرداخت، آن را با قبض مقایسه کنید: مبلغ قبض چند ریال است؟",
            [_field("amount", "مبلغ (ریال)", kind="number", expected=P % "amount")],
            hint="مبلغ در ردیف «مبلغ قابل پرداخت» قبض آمده است؛ جداکنندهٔ سه‌رقمی لازم نیست.",
        ),
        _info(
            "پیامک رمز پویا",
            "بانک برای تأیید پرداخت یک رمز یک‌بارمصرف پیامک کرده است.",
            "sms",
            "بانک (تمرینی)",
            [
                f"رمز پویای پرداخت قبض برق: {P % 'otp'}",
                "این رمز را به هیچ‌کس نگویید. این پیامک فقط برای تمرین است.",
            ],
        ),
        _form(
            "تأیید پرداخت",
            "رمز پویا را وارد کنید و پرداخت را تأیید کنید.",
            [
                _field("otp", "رمز پویا", kind="number", expected=P % "otp"),
                _field("confirm", "مبلغ و شناسه‌ها را بررسی کردم.", kind="checkbox", expected="yes"),
            ],
            hint="رمز شش‌رقمی در پیامک قدم پیش بود.",
            submit="پرداخت",
        ),
        _info(
            "رسید پرداخت",
            "پرداخت انجام شد. کد پیگیری را یادداشت کنید.",
            "receipt",
            "رسید پرداخت قبض (تمرینی)",
            [
                f"شناسهٔ قبض | {P % 'bill_id'}",
                f"مبلغ (ریال) | {P % 'amount'}",
                f"کد پیگیری | {P % 'tracking_code'}",
            ],
        ),
        _form(
            "پیگیری پرداخت",
            "چند روز بعد می‌خواهید مطمئن شوید پرداخت ثبت شده است. در بخش «پیگیری» کد پیگیری رسید را وارد کنید.",
            [_field("tracking", "کد پیگیری", kind="number", expected=P % "tracking_code")],
            hint="کد پیگیری دوازده‌رقمی در رسید پرداخت بود.",
            submit="پیگیری",
        ),
    ],
    "en": [
        _info(
            "Your electricity bill",
            "This is your practice electricity bill. Keep it at hand: you will need it in the next steps.",
            "bill",
            "Electricity bill (practice copy)",
            [
                f"Customer | {P % 'name'}",
                f"Bill ID | {P % 'bill_id'}",
                f"Payment ID | {P % 'payment_id'}",
                f"Amount due (rials) | {P % 'amount'}",
                f"Pay by | {P % 'due_date'}",
            ],
        ),
        _form(
            "Kind of bill",
            "On the bill payment portal, first choose the kind of bill.",
            [
                _field(
                    "kind",
                    "Which bill are you paying?",
                    kind="radio",
                    options="Water\nElectricity\nGas\nLandline",
                    expected="Electricity",
                )
            ],
            hint="The bill you saw said “Electricity bill” at the top.",
        ),
        _form(
            "Bill ID and payment ID",
            "Type both IDs exactly as they are on the bill. Persian or Latin digits both work.",
            [
                _field("bill_id", "Bill ID", expected=P % "bill_id", check="bill_id"),
                _field("payment_id", "Payment ID", expected=P % "payment_id", check="payment_id"),
            ],
            hint="Both IDs are printed on the bill under the customer's name. The payment ID is the shorter one and changes with the amount and period.",
            submit="Look up the bill",
        ),
        _form(
            "Check the amount",
            "The portal shows the bill's amount. Before you pay, compare it with the bill: how many rials is the bill?",
            [_field("amount", "Amount (rials)", kind="number", expected=P % "amount")],
            hint="The amount is on the bill's “Amount due” row; thousands separators are not needed.",
        ),
        _info(
            "One-time code by text message",
            "Your bank texted a one-time code to confirm the payment.",
            "sms",
            "Bank (practice)",
            [
                f"One-time code for your electricity bill: {P % 'otp'}",
                "Never tell anyone this code. This message is for practice only.",
            ],
        ),
        _form(
            "Confirm the payment",
            "Type the one-time code and confirm the payment.",
            [
                _field("otp", "One-time code", kind="number", expected=P % "otp"),
                _field(
                    "confirm", "I checked the amount and the IDs.", kind="checkbox", expected="yes"
                ),
            ],
            hint="The six-digit code was in the text message of the previous step.",
            submit="Pay",
        ),
        _info(
            "Payment receipt",
            "The payment went through. Write down the tracking code.",
            "receipt",
            "Bill payment receipt (practice)",
            [
                f"Bill ID | {P % 'bill_id'}",
                f"Amount (rials) | {P % 'amount'}",
                f"Tracking code | {P % 'tracking_code'}",
            ],
        ),
        _form(
            "Track the payment",
            "A few days later you want to be sure the payment was recorded. Type the receipt's tracking code under “Track”.",
            [_field("tracking", "Tracking code", kind="number", expected=P % "tracking_code")],
            hint="The twelve-digit tracking code was on the payment receipt.",
            submit="Track",
        ),
    ],
}

SIGN_IN = {
    "fa": [
        _info(
            "اطلاعات ورود شما",
            "برای ورود به درگاه خدمات دولتی تمرینی، این اطلاعات را دارید.",
            "email",
            "درگاه خدمات (تمرینی): حساب شما",
            [
                f"نام | {P % 'name'}",
                f"کد ملی | {P % 'national_code'}",
                f"رمز عبور | {P % 'password'}",
                f"تلفن همراه | {P % 'mobile'}",
            ],
        ),
        _choice(
            "نشانی درست",
            "پیش از واردکردن رمز، نشانی صفحه را ببینید. کدام نشانی مال درگاه تمرینی ساواد است؟",
            [
                ("https://portal.savad-practice.ir/login", True, "درست است: دامنهٔ درست و https."),
                (
                    "http://portal-savad-practice.login-verify.xyz",
                    False,
                    "این دامنه فقط شبیه است؛ دامنهٔ اصلی login-verify.xyz است.",
                ),
                (
                    "https://savad-practice.ir.portal-login.top",
                    False,
                    "دامنهٔ اصلی بخش آخر نشانی است: portal-login.top.",
                ),
            ],
            hint="دامنهٔ اصلی را از آخر نشانی، پیش از اولین «/»، بخوانید.",
        ),
        _form(
            "ورود",
            "کد ملی و رمز عبور را وارد کنید.",
            [
                _field(
                    "national_code", "کد ملی", expected=P % "national_code", check="national_code"
                ),
                _field("password", "رمز عبور", expected=P % "password"),
            ],
            hint="کد ملی ده رقم دارد و رمز عبور به کوچکی و بزرگی حروف حساس است. هر دو در کارت قدم اول بود.",
            submit="ورود",
        ),
        _info(
            "پیامک کد ورود",
            "درگاه یک کد یک‌بارمصرف به تلفن همراه شما فرستاد.",
            "sms",
            "درگاه خدمات (تمرینی)",
            [f"کد ورود شما: {P % 'otp'}", "این کد را به هیچ‌کس، حتی پشتیبانی، ندهید."],
        ),
        _form(
            "کد یک‌بارمصرف",
            "کدی را که پیامک شد وارد کنید.",
            [_field("otp", "کد یک‌بارمصرف", kind="number", expected=P % "otp")],
            hint="کد شش‌رقمی در پیامک قدم پیش بود.",
        ),
        _choice(
            "تماس مشکوک",
            "کمی بعد کسی زنگ می‌زند و می‌گوید از پشتیبانی درگاه است و کد پیامک‌شده را می‌خواهد. چه می‌کنید؟",
            [
                (
                    "کد را نمی‌دهم و تماس را قطع می‌کنم.",
                    True,
                    "درست است: هیچ پشتیبانی واقعی کد یک‌بارمصرف را نمی‌خواهد.",
                ),
                (
                    "کد را می‌دهم چون گفت از پشتیبانی است.",
                    False,
                    "با این کد هر کسی می‌تواند به جای شما وارد شود.",
                ),
                (
                    "کد را پیامک می‌کنم تا امن‌تر باشد.",
                    False,
                    "فرستادن کد از هر راهی، آن را به دیگری می‌دهد.",
                ),
            ],
        ),
    ],
    "en": [
        _info(
            "Your sign-in details",
            "To sign in to the practice government services portal you have these details.",
            "email",
            "Services portal (practice): your account",
            [
                f"Name | {P % 'name'}",
                f"National code | {P % 'national_code'}",
                f"Password | {P % 'password'}",
                f"Mobile | {P % 'mobile'}",
            ],
        ),
        _choice(
            "The right address",
            "Before typing your password, look at the page's address. Which one belongs to Savad's practice portal?",
            [
                (
                    "https://portal.savad-practice.ir/login",
                    True,
                    "Right: the real domain, over https.",
                ),
                (
                    "http://portal-savad-practice.login-verify.xyz",
                    False,
                    "This only looks alike: its real domain is login-verify.xyz.",
                ),
                (
                    "https://savad-practice.ir.portal-login.top",
                    False,
                    "The real domain is the end of the host name: portal-login.top.",
                ),
            ],
            hint="Read the domain from the end of the host name, just before the first “/”.",
        ),
        _form(
            "Sign in",
            "Type your national code and password.",
            [
                _field(
                    "national_code",
                    "National code",
                    expected=P % "national_code",
                    check="national_code",
                ),
                _field("password", "Password", expected=P % "password"),
            ],
            hint="The national code has ten digits and the password is case-sensitive. Both were on the first step's card.",
            submit="Sign in",
        ),
        _info(
            "Sign-in code by text message",
            "The portal texted a one-time code to your mobile.",
            "sms",
            "Services portal (practice)",
            [
                f"Your sign-in code: {P % 'otp'}",
                "Never give this code to anyone, not even support.",
            ],
        ),
        _form(
            "One-time code",
            "Type the code you were texted.",
            [_field("otp", "One-time code", kind="number", expected=P % "otp")],
            hint="The six-digit code was in the previous step's text message.",
        ),
        _choice(
            "A suspicious call",
            "A little later someone calls, says they are the portal's support and asks for the code you were texted. What do you do?",
            [
                (
                    "I do not give the code and hang up.",
                    True,
                    "Right: real support never asks for a one-time code.",
                ),
                (
                    "I give the code because they said they are support.",
                    False,
                    "With that code anyone can sign in as you.",
                ),
                (
                    "I text the code to them so it is safer.",
                    False,
                    "Sending the code any way hands it to someone else.",
                ),
            ],
        ),
    ],
}

FAKE_PAGE = {
    "fa": [
        _choice(
            "کدام صفحه جعلی است؟",
            "پیامکی برایتان آمده که قبض برق شما عقب افتاده است. صفحه‌ای که باز شد این را نشان می‌دهد. واقعی است یا جعلی؟",
            [
                (
                    "جعلی است: نشانی ناآشناست و رمز کارت و CVV2 را یک‌جا و بدون درگاه بانک می‌خواهد.",
                    True,
                    "درست است.",
                ),
                (
                    "واقعی است چون آرم و رنگ‌ها درست‌اند.",
                    False,
                    "ظاهر صفحه را به‌راحتی می‌شود کپی کرد؛ نشانی را نه.",
                ),
            ],
            kind="page",
            card_title="http://bargh-pay.savad-practice-bills.xyz",
            lines=[
                "پرداخت فوری قبض عقب‌افتاده — فقط تا امشب!",
                "شمارهٔ کارت | ••••",
                "رمز دوم کارت | ••••",
                "CVV2 | •••",
                "رمز اینترنتی ایمیل | ••••",
            ],
            hint="درگاه واقعی هیچ‌وقت رمز ایمیل نمی‌خواهد و نشانی‌اش با دامنهٔ بانک یا شاپرک تمام می‌شود.",
        ),
        _choice(
            "پیامک واقعی یا جعلی؟",
            "این پیامک را گرفته‌اید. چه می‌کنید؟",
            [
                (
                    "روی پیوند نمی‌زنم و قبض را از راهی که همیشه می‌پردازم بررسی می‌کنم.",
                    True,
                    "درست است: پیوندهای پیامک‌های ناشناس را باز نکنید.",
                ),
                ("روی پیوند می‌زنم تا برقم قطع نشود.", False, "فوری‌بودن ترفند رایج کلاهبرداری است."),
            ],
            kind="sms",
            card_title="+98 930 000 0000",
            lines=["مشترک گرامی، برق شما امروز قطع می‌شود. برای پرداخت فوری: http://pay-bargh.xyz"],
        ),
    ],
    "en": [
        _choice(
            "Which page is fake?",
            "A text message said your electricity bill is overdue. The page it opened shows this. Real or fake?",
            [
                (
                    "Fake: the address is unknown and it asks for the card PIN and CVV2 together, outside a bank's payment page.",
                    True,
                    "Right.",
                ),
                (
                    "Real, because the logo and colours are right.",
                    False,
                    "A page's looks are easy to copy; its address is not.",
                ),
            ],
            kind="page",
            card_title="http://bargh-pay.savad-practice-bills.xyz",
            lines=[
                "Pay your overdue bill now — tonight only!",
                "Card number | ••••",
                "Card PIN | ••••",
                "CVV2 | •••",
                "E-mail password | ••••",
            ],
            hint="A real payment page never asks for your e-mail password, and its address ends with the bank's or Shaparak's domain.",
        ),
        _choice(
            "A real or fake text message?",
            "You received this text message. What do you do?",
            [
                (
                    "I do not tap the link and check the bill the way I always pay it.",
                    True,
                    "Right: do not open links in unknown text messages.",
                ),
                (
                    "I tap the link so my power is not cut off.",
                    False,
                    "Urgency is a common trick of fraud.",
                ),
            ],
            kind="sms",
            card_title="+98 930 000 0000",
            lines=[
                "Dear customer, your power will be cut off today. Pay now: http://pay-bargh.xyz"
            ],
        ),
    ],
}

APPOINTMENT = {
    "fa": [
        _info(
            "نامهٔ نوبت",
            "اداره از شما خواسته برای تحویل مدارک نوبت بگیرید.",
            "email",
            "ادارهٔ خدمات (تمرینی): نوبت‌دهی",
            [
                f"{P % 'name'} گرامی، لطفاً برای روز {P % 'appointment_date'} در «دفتر مرکزی» نوبت بگیرید.",
                f"کد ملی | {P % 'national_code'}",
            ],
        ),
        _form(
            "گرفتن نوبت",
            "کد ملی، دفتر و روزی را که در نامه آمده انتخاب کنید.",
            [
                _field(
                    "national_code", "کد ملی", expected=P % "national_code", check="national_code"
                ),
                _field(
                    "office",
                    "دفتر",
                    kind="select",
                    options="دفتر شمال\nدفتر مرکزی\nدفتر جنوب",
                    expected="دفتر مرکزی",
                ),
                _field("day", "روز مراجعه", kind="date", expected=P % "appointment_date"),
            ],
            hint="همهٔ این‌ها در نامهٔ قدم اول بود. تاریخ را به شکل سال/ماه/روز خورشیدی بنویسید.",
            submit="ثبت نوبت",
        ),
        _info(
            "رسید نوبت",
            "نوبت ثبت شد. کد رهگیری را نگه دارید.",
            "receipt",
            "رسید نوبت (تمرینی)",
            [f"روز | {P % 'appointment_date'}", f"کد رهگیری | {P % 'tracking_code'}"],
        ),
        _form(
            "پیگیری درخواست",
            "روز بعد می‌خواهید وضعیت نوبت را ببینید. در بخش «پیگیری درخواست» کد رهگیری را وارد کنید.",
            [_field("tracking", "کد رهگیری", kind="number", expected=P % "tracking_code")],
            hint="کد رهگیری در رسید نوبت بود.",
            submit="پیگیری",
        ),
    ],
    "en": [
        _info(
            "Appointment letter",
            "The office asked you to book a visit to hand in your documents.",
            "email",
            "Public services office (practice): appointments",
            [
                f"Dear {P % 'name'}, please book a visit to the “Central office” on {P % 'appointment_date'}.",
                f"National code | {P % 'national_code'}",
            ],
        ),
        _form(
            "Book the visit",
            "Choose the national code, office and day given in the letter.",
            [
                _field(
                    "national_code",
                    "National code",
                    expected=P % "national_code",
                    check="national_code",
                ),
                _field(
                    "office",
                    "Office",
                    kind="select",
                    options="North office\nCentral office\nSouth office",
                    expected="Central office",
                ),
                _field("day", "Day of the visit", kind="date", expected=P % "appointment_date"),
            ],
            hint="All of this was in the first step's letter. Write the date as year-month-day.",
            submit="Book",
        ),
        _info(
            "Appointment receipt",
            "The visit is booked. Keep the tracking code.",
            "receipt",
            "Appointment receipt (practice)",
            [f"Day | {P % 'appointment_date'}", f"Tracking code | {P % 'tracking_code'}"],
        ),
        _form(
            "Track the request",
            "The next day you want to see the state of your booking. Type the tracking code under “Track a request”.",
            [_field("tracking", "Tracking code", kind="number", expected=P % "tracking_code")],
            hint="The tracking code was on the appointment receipt.",
            submit="Track",
        ),
    ],
}

BIRTH = {
    "fa": [
        _info(
            "تولد فرزند",
            "فرزندتان به دنیا آمده است. بیمارستان گواهی ولادت داده و باید تولد را ثبت کنید.",
            "page",
            "پروندهٔ شما (تمرینی)",
            [
                f"نام پدر یا مادر | {P % 'name'}",
                f"کد ملی | {P % 'national_code'}",
                f"تاریخ تولد نوزاد | {P % 'issue_date'}",
                "گواهی ولادت بیمارستان در «مدارک شما» است.",
            ],
        ),
        _form(
            "فرم ثبت ولادت",
            "فرم را پر کنید و گواهی ولادت بیمارستان را پیوست کنید.",
            [
                _field(
                    "national_code",
                    "کد ملی پدر یا مادر",
                    expected=P % "national_code",
                    check="national_code",
                ),
                _field("birth_date", "تاریخ تولد نوزاد", kind="date", expected=P % "issue_date"),
                _field("certificate", "گواهی ولادت", kind="file", expected="birth-certificate"),
                _field("confirm", "درستی اطلاعات را تأیید می‌کنم.", kind="checkbox", expected="yes"),
            ],
            hint="کد ملی و تاریخ در پروندهٔ قدم اول بود. از «مدارک شما» گواهی ولادت را بردارید، نه قرارداد اجاره را.",
            submit="ثبت درخواست",
        ),
        _info(
            "رسید درخواست",
            "درخواست ثبت ولادت فرستاده شد.",
            "receipt",
            "رسید ثبت ولادت (تمرینی)",
            [f"کد رهگیری | {P % 'tracking_code'}", "وضعیت | در حال بررسی"],
        ),
        _form(
            "پیگیری درخواست",
            "چند روز بعد وضعیت درخواست را با کد رهگیری ببینید.",
            [_field("tracking", "کد رهگیری", kind="number", expected=P % "tracking_code")],
            hint="کد رهگیری در رسید درخواست بود.",
            submit="پیگیری",
        ),
    ],
    "en": [
        _info(
            "A child is born",
            "Your child has been born. The hospital gave you a birth certificate, and you must register the birth.",
            "page",
            "Your file (practice)",
            [
                f"Parent | {P % 'name'}",
                f"National code | {P % 'national_code'}",
                f"Child's date of birth | {P % 'issue_date'}",
                "The hospital's birth certificate is in “Your documents”.",
            ],
        ),
        _form(
            "Birth registration form",
            "Fill in the form and attach the hospital's birth certificate.",
            [
                _field(
                    "national_code",
                    "Parent's national code",
                    expected=P % "national_code",
                    check="national_code",
                ),
                _field(
                    "birth_date", "Child's date of birth", kind="date", expected=P % "issue_date"
                ),
                _field(
                    "certificate", "Birth certificate", kind="file", expected="birth-certificate"
                ),
                _field(
                    "confirm",
                    "I confirm this information is right.",
                    kind="checkbox",
                    expected="yes",
                ),
            ],
            hint="The national code and the date were in the first step's file. From “Your documents” take the birth certificate, not the rental contract.",
            submit="Send the request",
        ),
        _info(
            "Request receipt",
            "Your birth registration request was sent.",
            "receipt",
            "Birth registration receipt (practice)",
            [f"Tracking code | {P % 'tracking_code'}", "State | Being reviewed"],
        ),
        _form(
            "Track the request",
            "A few days later, see the state of the request with its tracking code.",
            [_field("tracking", "Tracking code", kind="number", expected=P % "tracking_code")],
            hint="The tracking code was on the request receipt.",
            submit="Track",
        ),
    ],
}

SCENARIOS = [
    {
        "slug": "practice-pay-a-bill",
        "mode": Mode.GUIDED,
        "steps": BILL,
        "title": {"fa": "تمرین: پرداخت قبض برق", "en": "Practice: pay an electricity bill"},
        "intro": {
            "fa": "<p>یک قبض برق تمرینی با شناسهٔ قبض و شناسهٔ پرداخت می‌پردازید. همه‌چیز نمونه است و هیچ پولی جابه‌جا نمی‌شود.</p>",
            "en": "<p>Pay a practice electricity bill with its bill ID and payment ID. Everything is a sample and no money moves.</p>",
        },
    },
    {
        "slug": "practice-sign-in",
        "mode": Mode.GUIDED,
        "steps": SIGN_IN,
        "title": {
            "fa": "تمرین: ورود با رمز عبور و کد پیامکی",
            "en": "Practice: sign in with a password and a text-message code",
        },
        "intro": {
            "fa": "<p>با کد ملی، رمز عبور و کد یک‌بارمصرف پیامکی وارد یک درگاه تمرینی می‌شوید.</p>",
            "en": "<p>Sign in to a practice portal with a national code, a password and a one-time code sent by text message.</p>",
        },
    },
    {
        "slug": "practice-spot-the-fake",
        "mode": Mode.TEST,
        "steps": FAKE_PAGE,
        "title": {
            "fa": "تمرین: صفحهٔ پرداخت جعلی را بشناسید",
            "en": "Practice: spot the fake payment page",
        },
        "intro": {
            "fa": "<p>در حالت آزمون: بدون راهنما، نمره در پایان.</p>",
            "en": "<p>Test mode: no hints, scored at the end.</p>",
        },
    },
    {
        "slug": "practice-book-and-track",
        "mode": Mode.GUIDED,
        "steps": APPOINTMENT,
        "title": {
            "fa": "تمرین: نوبت گرفتن و پیگیری درخواست",
            "en": "Practice: book an appointment and track the request",
        },
        "intro": {
            "fa": "<p>در یک ادارهٔ تمرینی نوبت می‌گیرید و بعد درخواستتان را با کد رهگیری پیگیری می‌کنید.</p>",
            "en": "<p>Book a visit at a practice office, then track your request with its tracking code.</p>",
        },
    },
    {
        "slug": "practice-register-a-birth",
        "mode": Mode.GUIDED,
        "steps": BIRTH,
        "title": {
            "fa": "تمرین: ثبت ولادت با مدرک پیوست",
            "en": "Practice: register a birth with a supporting document",
        },
        "intro": {
            "fa": "<p>فرم ثبت ولادت را پر می‌کنید و گواهی ولادت نمونه را پیوست می‌کنید.</p>",
            "en": "<p>Fill in a birth registration form and attach the sample birth certificate.</p>",
        },
    },
]


def scenario_steps(slug: str, language: str) -> list[dict]:
    """A built-in scenario's steps in ``language`` (for tests and the seed)."""
    return next(spec for spec in SCENARIOS if spec["slug"] == slug)["steps"][language]


def seed_simulations(report) -> None:
    """The built-in simulations in the bill-paying demo course, in Persian and English."""
    locales = {code: Locale.objects.get(language_code=code) for code in ("fa", "en")}
    course_fa = CoursePage.objects.filter(slug=COURSE_SLUG, locale=locales["fa"]).first()
    if course_fa is None:
        return
    course_en = CoursePage.objects.filter(
        translation_key=course_fa.translation_key, locale=locales["en"]
    ).first()
    for spec in SCENARIOS:
        page_fa = SimulationPage.objects.child_of(course_fa).filter(slug=spec["slug"]).first()
        if page_fa is None:
            page_fa = SimulationPage(locale=locales["fa"], **_fields(spec, "fa"))
            course_fa.add_child(instance=page_fa)
            page_fa.save_revision().publish()
            report.changes.append(f"created simulation “{page_fa.title}”")
        if (
            course_en is None
            or SimulationPage.objects.filter(
                translation_key=page_fa.translation_key, locale=locales["en"]
            ).exists()
        ):
            continue
        page_en = page_fa.copy_for_translation(locales["en"], copy_parents=True)
        for name, value in _fields(spec, "en").items():
            setattr(page_en, name, value)
        page_en.save_revision().publish()
        report.changes.append(f"translated simulation “{page_en.title}” into English")


def _fields(spec: dict, language: str) -> dict:
    return {
        "title": spec["title"][language],
        "slug": spec["slug"],
        "intro": spec["intro"][language],
        "mode": spec["mode"],
        "pass_mark": Decimal(60),
        "estimated_minutes": 10,
        "required_for_completion": False,  # practice: the demo course completes without it
        "steps": spec["steps"][language],
    }
