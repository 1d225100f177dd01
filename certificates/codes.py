"""Verification codes: random, unguessable and easy to read aloud or type.

A code is 16 symbols from a 32-symbol alphabet without the look-alikes 0/O and 1/I (80 random
bits from ``secrets``), written in groups of four: ``K7QF-9XPM-2HCW-RT4D``. Typed codes are
read forgivingly: any case, with or without dashes or spaces, and in Persian or Arabic digits.
"""

import re
import secrets

from core.text import latin_digits

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 16
GROUP = 4
MAX_LENGTH = LENGTH + LENGTH // GROUP - 1  # with the dashes

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")
_VALID = re.compile(rf"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    """A fresh random code in its written form."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def normalise(typed: str) -> str | None:
    """The written form of a typed code, or None when it cannot be a code."""
    compact = _SEPARATORS.sub("", latin_digits(typed or "")).upper()
    if not _VALID.fullmatch(compact):
        return None
    return _grouped(compact)


def _grouped(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))
