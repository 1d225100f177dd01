"""Check digits of national codes, bill IDs and payment IDs (simulations.checks).

The valid examples are the ones open-source Iranian validators publish in their own tests
(persian-tools and its ports): national codes 0499370899, 0790419904, 0084575948; bills
7748317800142 / 1770160 (landline), 1117753200140 / 12070160, 2050327604613 / 1070189 (water).
"""

import random

import pytest

from core.text import persian_digits
from simulations import checks

VALID_CODES = ["0499370899", "0790419904", "0084575948", "0067749828", "0013542419"]
VALID_BILLS = [
    ("7748317800142", "1770160"),
    ("1117753200140", "12070160"),
    ("2050327604613", "1070189"),
]


def flipped(number: str, position: int) -> str:
    """``number`` with one digit changed (a typical typing mistake)."""
    digit = (int(number[position]) + 1) % 10
    return number[:position] + str(digit) + number[position + 1 :]


@pytest.mark.parametrize("code", VALID_CODES)
def test_published_national_codes_are_valid(code):
    assert checks.national_code_valid(code)


@pytest.mark.parametrize("code", VALID_CODES)
def test_a_national_code_with_any_one_digit_changed_is_refused(code):
    for position in range(10):
        assert not checks.national_code_valid(flipped(code, position)), position


def test_national_codes_in_persian_and_arabic_digits_and_with_dashes_are_read():
    assert checks.national_code_valid(persian_digits("0499370899"))
    assert checks.national_code_valid("٠٤٩٩٣٧٠٨٩٩")
    assert checks.national_code_valid("049-937089-9")


@pytest.mark.parametrize(
    "code", ["1111111111", "0000000000", "049937089", "04993708990", "04993708a9", "", "۰۴۹۹"]
)
def test_malformed_or_never_issued_national_codes_are_refused(code):
    assert not checks.national_code_valid(code)


def test_ten_equal_digits_pass_the_sum_but_are_still_refused():
    assert checks.national_code_check_digit("111111111") == 1  # the sum alone would accept it
    assert not checks.national_code_valid("1111111111")


def test_national_code_check_digit_rule_r_below_two_is_r_else_eleven_minus_r():
    assert checks.national_code_check_digit("000000001") == 9  # sum 2, r 2 → 11 − 2
    assert checks.national_code_check_digit("000000005") == 1  # sum 10, r 10 → 11 − 10
    assert checks.national_code_check_digit("100000000") == 1  # weight 10: sum 10 → 1
    assert checks.national_code_check_digit("000000100") == 7  # weight 4: sum 4 → 11 − 4
    assert checks.national_code_check_digit("000000006") == 1  # sum 12, r 1 → r itself
    assert checks.national_code_check_digit("000000000") == 0  # r 0 → 0
    assert checks.make_national_code("049937089") == "0499370899"


@pytest.mark.parametrize(("bill", "payment"), VALID_BILLS)
def test_published_bill_and_payment_ids_are_valid(bill, payment):
    assert checks.bill_id_valid(bill)
    assert checks.payment_id_valid(payment, bill_id=bill)
    assert checks.payment_id_valid(persian_digits(payment), bill_id=persian_digits(bill))


@pytest.mark.parametrize(("bill", "payment"), VALID_BILLS)
def test_any_one_digit_changed_in_a_bill_or_payment_id_is_refused(bill, payment):
    for position in range(len(bill)):
        assert not checks.bill_id_valid(flipped(bill, position)), position
    for position in range(len(payment)):
        assert not checks.payment_id_valid(flipped(payment, position), bill_id=bill), position


def test_a_payment_id_of_another_bill_is_refused_by_its_second_check_digit():
    assert checks.payment_id_valid("1770160", bill_id="7748317800142")
    assert not checks.payment_id_valid("1770160", bill_id="2050327604613")
    assert not checks.bill_id_valid("2234322344613")  # published as invalid


def test_mod11_weights_cycle_two_to_seven_from_the_right():
    assert checks.mod11("1") == 9  # 1×2 = 2 → 11 − 2
    assert checks.mod11("10") == 8  # 1×3 = 3
    assert checks.mod11("1000000") == 9  # 7th from the right weighs 2 again
    assert checks.mod11("100000") == 4  # 6th weighs 7
    assert checks.mod11("") == 0
    assert checks.mod11("5") == 1  # 10 % 11 = 10 → 1
    assert checks.mod11("11") == 6  # 2 + 3 = 5 → 11 − 5
    assert checks.mod11("60") == 4  # 6×3 = 18, r 7 → 11 − 7


def test_generated_identifiers_pass_their_checks_and_payment_ids_encode_the_amount():
    rng = random.Random(7)
    for _ in range(500):
        body = "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 12)))
        bill = checks.make_bill_id(body)
        if bill.lstrip("0") == "":
            continue
        assert checks.bill_id_valid(bill)
        amount = rng.randint(1, 9999) * 1000
        payment = checks.make_payment_id(
            amount_rials=amount,
            year_digit=rng.randint(0, 9),
            period=rng.randint(1, 12),
            bill_id=bill,
        )
        assert checks.payment_id_valid(payment, bill_id=bill)
        assert checks.amount_of_payment_id(payment) == amount
    assert checks.amount_of_payment_id("1770160") == 17000
