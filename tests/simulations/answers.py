"""The right (and deliberately wrong) answers to an attempt's current step, for tests."""

from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from core.text import persian_digits
from simulations import checks
from simulations.persona import expected
from simulations.samples import SAMPLES
from simulations.steps import option_order


def right_answers(attempt, *, persian=False) -> dict:
    step = attempt.current_step
    if step["type"] == "choice":
        order = option_order(step, attempt.persona["seed"])
        options = step["value"]["options"]
        return {"option": str(next(p for p, i in enumerate(order) if options[i]["correct"]))}
    if step["type"] != "form":
        return {}
    answers = {}
    for field in step["value"]["fields"]:
        value = expected(field["expected"], attempt.persona, attempt.language)
        if field["kind"] == "file":
            answers[field["name"]] = sample_upload(field["expected"])
            continue
        if field["kind"] == "checkbox":
            if value == "yes":
                answers[field["name"]] = "yes"
            continue
        answers[field["name"]] = persian_digits(value) if persian else value
    return answers


def wrong_choice(attempt) -> dict:
    step = attempt.current_step
    order = option_order(step, attempt.persona["seed"])
    options = step["value"]["options"]
    return {"option": str(next(p for p, i in enumerate(order) if not options[i]["correct"]))}


def another_valid_payment_id(attempt) -> str:
    """A well-formed payment ID of the attempt's bill, for another amount (valid, but wrong)."""
    amount = int(attempt.persona["amount"]) + 1000
    return checks.make_payment_id(
        amount_rials=amount, year_digit=3, period=1, bill_id=attempt.persona["bill_id"]
    )


def mistyped(number: str) -> str:
    """``number`` with its last digit changed: the check digit no longer fits."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def sample_upload(name: str, *, filename: str | None = None) -> SimpleUploadedFile:
    """The sample document ``name`` as a browser would upload it."""
    path = SAMPLES[name][0]
    with open(finders.find(path), "rb") as sample:
        content = sample.read()
    return SimpleUploadedFile(filename or path.rsplit("/", 1)[1], content, "application/pdf")
