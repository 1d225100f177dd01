"""The practice data of one attempt: a made-up person with their bill, codes and dates.

Every attempt draws its own persona from a seed of its own, so answers cannot be copied from
another learner; the same seed (and start date) always gives the same persona. Every
identifier passes the check its real counterpart passes (``simulations.checks``), so the
practice portals can refuse typos exactly as real ones do. Nothing here is anybody's real data.

``{{ persona.<field> }}`` in a step's texts and expected values names one of ``FIELDS``.
"""

import datetime
import random
import re

import jdatetime

from core.text import page_digits

from . import checks

FIRST_NAMES = [
    ("مریم", "Maryam"),
    ("علی", "Ali"),
    ("زهرا", "Zahra"),
    ("رضا", "Reza"),
    ("فاطمه", "Fatemeh"),
    ("حسین", "Hossein"),
    ("سارا", "Sara"),
    ("مهدی", "Mahdi"),
    ("نرگس", "Narges"),
    ("امید", "Omid"),
]
LAST_NAMES = [
    ("احمدی", "Ahmadi"),
    ("محمدی", "Mohammadi"),
    ("کریمی", "Karimi"),
    ("رضایی", "Rezaei"),
    ("حسینی", "Hosseini"),
    ("موسوی", "Mousavi"),
    ("جعفری", "Jafari"),
    ("صادقی", "Sadeghi"),
]
PASSWORD_WORDS = ["Anar", "Golab", "Sib", "Narenj", "Baran", "Kooh", "Darya", "Setare"]
ELECTRICITY = "2"  # the bill ID's service-type digit

# field → kind: how it is shown (``text``, ``digits``, ``amount`` in rials, ``date``)
FIELDS = {
    "name": "text",
    "national_code": "digits",
    "mobile": "digits",
    "username": "text",
    "password": "text",
    "otp": "digits",
    "bill_id": "digits",
    "payment_id": "digits",
    "amount": "amount",
    "period": "digits",
    "issue_date": "date",
    "due_date": "date",
    "tracking_code": "digits",
    "appointment_date": "date",
}
PLACEHOLDER = re.compile(r"\{\{\s*persona\.([a-z_]+)\s*\}\}")


def _digits(rng: random.Random, count: int, *, first_nonzero: bool = True) -> str:
    first = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def make_persona(*, seed: int, today: datetime.date | None = None) -> dict:
    """A persona drawn from ``seed``: strings (digits in 0-9, dates ISO) and the name in fa/en."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    while True:
        nine = _digits(rng, 9, first_nonzero=False)
        if len(set(nine)) > 1:
            break
    bill_id = checks.make_bill_id(_digits(rng, 8) + _digits(rng, 3) + ELECTRICITY)
    amount = rng.randint(40, 2400) * 1000
    issue = today - datetime.timedelta(days=rng.randint(3, 12))
    period = rng.randint(1, 6)
    year_digit = jdatetime.date.fromgregorian(date=issue).year % 10
    return {
        "seed": seed,
        "name": {"fa": f"{first[0]} {last[0]}", "en": f"{first[1]} {last[1]}"},
        "national_code": checks.make_national_code(nine),
        "mobile": "0912" + _digits(rng, 7, first_nonzero=False),
        "username": f"{first[1].lower()}{rng.randint(10, 99)}",
        "password": f"{rng.choice(PASSWORD_WORDS)}-{rng.randint(1000, 9999)}",
        "otp": _digits(rng, 6),
        "bill_id": bill_id,
        "payment_id": checks.make_payment_id(
            amount_rials=amount, year_digit=year_digit, period=period, bill_id=bill_id
        ),
        "amount": str(amount),
        "period": str(period),
        "issue_date": issue.isoformat(),
        "due_date": (issue + datetime.timedelta(days=rng.randint(10, 20))).isoformat(),
        "tracking_code": _digits(rng, 12),
        "appointment_date": (today + datetime.timedelta(days=rng.randint(3, 20))).isoformat(),
    }


def answer_value(persona: dict, name: str, language: str = "fa") -> str:
    """The plain value of a field, as an answer is compared with it (0-9 digits, ISO dates)."""
    value = persona.get(name, "")
    if isinstance(value, dict):
        return value.get(language) or value.get("fa", "")
    return str(value)


def shown_value(persona: dict, name: str, language: str) -> str:
    """A field as a screen shows it: figures in the page's digits (a Jalali date in fa),
    amounts grouped; text (a username, a password) as it is typed."""
    value = answer_value(persona, name, language)
    kind = FIELDS.get(name, "text")
    if kind == "text":
        return value
    if kind == "date" and value:
        day = datetime.date.fromisoformat(value)
        if language == "fa":
            value = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    elif kind == "amount" and value:
        value = f"{int(value):,}".replace(",", "٬" if language == "fa" else ",")
    return page_digits(value, language)


def fill(text: str, persona: dict, language: str) -> str:
    """``text`` with every ``{{ persona.field }}`` shown as on screen (unknown fields: empty)."""
    return PLACEHOLDER.sub(lambda match: shown_value(persona, match.group(1), language), text)


def expected(text: str, persona: dict, language: str) -> str:
    """An expected value with ``{{ persona.field }}`` replaced by the plain value."""
    return PLACEHOLDER.sub(lambda match: answer_value(persona, match.group(1), language), text)


def unknown_fields(text: str) -> list[str]:
    """Names in ``text``'s placeholders that are not persona fields (for the editor's check)."""
    return [name for name in PLACEHOLDER.findall(text or "") if name not in FIELDS]
