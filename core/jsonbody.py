"""The one strict reader of JSON request bodies sent by clients we do not control.

``json.loads`` accepts documents that later break the code or the database that handles them:
nesting deep enough to exhaust Python's stack, integers with hundreds of digits (which
overflow when turned into a float), numbers such as ``1e400`` that become infinity, and
characters PostgreSQL cannot keep in ``jsonb`` (NUL, and lone UTF-16 surrogates from ``\\ud800``
escapes). ``parse_json`` refuses all of them up front with a ``SavadError`` (HTTP 400) whose
message says what is wrong, so nothing past it has to guard against them.
"""

import json
import math
import re

from django.utils.translation import gettext as _

from core.exceptions import SavadError

MAX_DEPTH = 32
MAX_INTEGER_DIGITS = 20
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse(message: str):
    raise SavadError(message, status=400)


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        _refuse(_("Numbers may have at most %(digits)s digits.") % {"digits": MAX_INTEGER_DIGITS})
    return int(text)


def _decimal(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        _refuse(_("The number %(number)s is too large.") % {"number": text[:40]})
    return number


def _constant(name: str):
    _refuse(_("%(name)s is not a number JSON allows.") % {"name": name})


def parse_json(body: bytes | str, *, max_depth: int = MAX_DEPTH):
    """The value ``body`` (UTF-8 JSON) holds; ``SavadError`` (400) for anything unsafe.

    Refused: invalid JSON or UTF-8, nesting deeper than ``max_depth`` arrays and objects,
    integers longer than ``MAX_INTEGER_DIGITS`` digits, numbers too large for a float,
    ``NaN``/``Infinity``, and NUL characters or lone surrogates in strings and keys.
    """
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        value = json.loads(text, parse_int=_integer, parse_float=_decimal, parse_constant=_constant)
    except RecursionError:
        _refuse(_too_deep(max_depth))
    except (UnicodeDecodeError, ValueError):
        _refuse(_("The request body is not valid JSON (UTF-8)."))
    _check(value, max_depth)
    return value


def _too_deep(max_depth: int) -> str:
    return _("JSON may be nested at most %(depth)s levels deep.") % {"depth": max_depth}


def _check(value, max_depth: int) -> None:
    """Depth and characters, walked without recursion (the value may be deeply nested)."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                _refuse(_too_deep(max_depth))
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
                children = item.values()
            else:
                children = item
            pending.extend((child, depth + 1) for child in children)


def _check_text(text: str) -> None:
    if _UNSTORABLE.search(text):
        _refuse(_("Text in JSON may not contain NUL characters or unpaired surrogates."))
