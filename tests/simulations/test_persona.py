"""Personas: fresh per attempt, reproducible per seed, every identifier passes its check."""

import datetime

import jdatetime

from simulations import checks
from simulations.persona import FIELDS, expected, fill, make_persona, shown_value

TODAY = datetime.date(2026, 12, 2)


def test_every_generated_identifier_passes_its_own_check():
    for seed in range(300):
        persona = make_persona(seed=seed, today=TODAY)
        assert checks.national_code_valid(persona["national_code"]), persona
        assert checks.bill_id_valid(persona["bill_id"]), persona
        assert checks.payment_id_valid(persona["payment_id"], bill_id=persona["bill_id"]), persona
        assert checks.amount_of_payment_id(persona["payment_id"]) == int(persona["amount"])
        assert persona["bill_id"][-2] == "2"  # an electricity bill
        assert len(persona["otp"]) == 6 and persona["otp"].isdigit()
        assert len(persona["tracking_code"]) == 12
        assert datetime.date.fromisoformat(persona["due_date"]) > datetime.date.fromisoformat(
            persona["issue_date"]
        )


def test_the_same_seed_gives_the_same_persona_and_other_seeds_differ():
    assert make_persona(seed=42, today=TODAY) == make_persona(seed=42, today=TODAY)
    codes = {make_persona(seed=seed, today=TODAY)["national_code"] for seed in range(50)}
    bills = {make_persona(seed=seed, today=TODAY)["payment_id"] for seed in range(50)}
    assert len(codes) == 50 and len(bills) > 45


def test_every_declared_field_exists():
    persona = make_persona(seed=1, today=TODAY)
    assert set(FIELDS) <= set(persona)


def test_screens_show_persian_digits_jalali_dates_and_grouped_amounts_in_persian():
    persona = make_persona(seed=3, today=TODAY)
    persona["amount"] = "1250000"
    assert shown_value(persona, "amount", "fa") == "۱٬۲۵۰٬۰۰۰"
    assert shown_value(persona, "amount", "en") == "1,250,000"
    jalali = jdatetime.date.fromgregorian(date=datetime.date.fromisoformat(persona["due_date"]))
    assert shown_value(persona, "due_date", "fa") == jalali.strftime("%Y/%m/%d").translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    )
    assert shown_value(persona, "due_date", "en") == persona["due_date"]
    text = "قبض {{ persona.name }}: {{persona.bill_id}} {{ persona.nothing }}"
    shown = fill(text, persona, "fa")
    assert persona["name"]["fa"] in shown and "{{" not in shown
    assert shown_value(persona, "bill_id", "fa") in shown
    assert expected("{{ persona.bill_id }}", persona, "fa") == persona["bill_id"]


def test_a_password_is_shown_as_typed_even_in_persian():
    persona = make_persona(seed=5, today=TODAY)
    assert shown_value(persona, "password", "fa") == persona["password"]
    assert shown_value(persona, "otp", "fa") != persona["otp"]  # a figure: Persian digits
