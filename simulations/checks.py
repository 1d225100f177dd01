"""Check digits of the identifiers Iranian e-services ask for, as the real portals check them.

Every function accepts Persian (۰-۹) and Arabic-Indic (٠-٩) digits as well as 0-9, and spaces
or dashes between groups (``core.text.latin_digits`` plus ``digits_only``).

National code (کد ملی), the public scheme of the National Organization for Civil Registration
(ثبت احوال), as documented e.g. on the Persian Wikipedia page «کارت ملی»: ten digits; the first
nine weighted 10, 9, …, 2 from the left; ``r = sum % 11``; the tenth digit is ``r`` when
``r < 2``, else ``11 - r``. Codes of ten equal digits (``1111111111``) pass that sum but are
never issued, so they are refused too.

Bill ID (شناسه قبض) and payment ID (شناسه پرداخت), the public bill-payment standard of the
Iranian banking network (شبکه شتاب, used by every bank and the utilities): a check digit is
``mod11(digits)``: the digits weighted 2, 3, 4, 5, 6, 7, 2, 3, … from the *right*; ``r = sum %
11``; the digit is 0 when ``r < 2``, else ``11 - r``.

- A bill ID is the subscriber's file number, a 3-digit company code, a 1-digit service type
  (1 water, 2 electricity, 3 gas, 4 landline, 5 mobile, 6 municipality…) and its check digit,
  ``mod11`` of the digits before it (6 to 13 digits in all).
- A payment ID is the amount in thousands of rials, the last digit of the year, a 2-digit
  period, then two check digits: the first is ``mod11`` of the payment ID's own digits before
  it; the second is ``mod11`` of the bill ID followed by the payment ID up to and including the
  first check digit. (Portals pad the bill ID to 13 digits with leading zeros first; zeros on
  the left add nothing to the weighted sum, so the digit is the same.)
"""

import re

from core.text import latin_digits

_SEPARATORS = re.compile(r"[\s\-_/.\u200c]+")


def digits_only(value: str) -> str:
    """``value`` in 0-9 without spaces or dashes between groups (other characters are kept)."""
    return _SEPARATORS.sub("", latin_digits(str(value or "")))


def mod11(digits: str) -> int:
    """The bill-payment check digit of ``digits``: weights 2-7 cycling from the right."""
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(digits)))
    remainder = total % 11
    return 0 if remainder < 2 else 11 - remainder


def national_code_check_digit(first_nine: str) -> int:
    """The tenth digit of a national code from its first nine (weights 10 down to 2)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def national_code_valid(value: str) -> bool:
    """Whether ``value`` is a well-formed Iranian national code (ten digits, right check)."""
    code = digits_only(value)
    if len(code) != 10 or not code.isascii() or not code.isdigit() or len(set(code)) == 1:
        return False
    return national_code_check_digit(code[:9]) == int(code[9])


def bill_id_valid(value: str) -> bool:
    """Whether ``value`` is a well-formed bill ID (6-13 digits, last one its check digit)."""
    bill = digits_only(value)
    if not 6 <= len(bill) <= 13 or not bill.isascii() or not bill.isdigit():
        return False
    return bill.lstrip("0") != "" and mod11(bill[:-1]) == int(bill[-1])


def payment_id_valid(value: str, *, bill_id: str) -> bool:
    """Whether ``value`` is a well-formed payment ID *for* ``bill_id`` (both check digits)."""
    payment, bill = digits_only(value), digits_only(bill_id)
    if not 6 <= len(payment) <= 13 or not payment.isascii() or not payment.isdigit():
        return False
    if not bill_id_valid(bill):
        return False
    first_ok = mod11(payment[:-2]) == int(payment[-2])
    return first_ok and mod11(bill + payment[:-1]) == int(payment[-1])


def make_bill_id(body: str) -> str:
    """``body`` (file number, company code, service type) with its check digit appended."""
    return body + str(mod11(body))


def make_payment_id(*, amount_rials: int, year_digit: int, period: int, bill_id: str) -> str:
    """The payment ID of ``amount_rials`` (a multiple of 1000) for ``bill_id``'s period."""
    body = f"{amount_rials // 1000}{year_digit % 10}{period:02d}"
    body += str(mod11(body))
    return body + str(mod11(digits_only(bill_id) + body))


def make_national_code(first_nine: str) -> str:
    """``first_nine`` digits with the national-code check digit appended."""
    return first_nine + str(national_code_check_digit(first_nine))


def amount_of_payment_id(value: str) -> int:
    """The amount in rials that a payment ID encodes (its leading digits × 1000)."""
    payment = digits_only(value)
    return int(payment[:-5] or "0") * 1000
