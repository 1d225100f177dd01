"""Persian-aware text normalisation for comparing answers and, later, for search.

Persian text arrives written with Arabic letters (ي ك), three digit scripts, optional
diacritics, tatweel and zero-width joiners. ``normalise`` folds all of these to one spelling so
that equal words compare equal; it never changes letter case (``answer_key`` does that).
"""

import math
import re
import unicodedata

# Single characters replaced by another string (after NFKC).
_REPLACE = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0626": "\u06cc",  # ئ yeh with hamza -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u0624": "\u0648",  # ؤ -> و
    "\u066b": ".",  # ٫ Arabic decimal separator
    "\u066c": ",",  # ٬ Arabic thousands separator
    "\u061f": "?",  # ؟
    "\u060c": ",",  # ،
    "\u061b": ";",  # ؛
    "\u200c": " ",  # ZWNJ (نیم‌فاصله) -> space
}

# The digit scripts: Persian ۰-۹ (U+06F0…) and Arabic-Indic ٠-٩ (U+0660…), position = value.
LATIN_DIGITS = "0123456789"
PERSIAN_DIGITS = "".join(chr(0x06F0 + i) for i in range(10))
ARABIC_DIGITS = "".join(chr(0x0660 + i) for i in range(10))
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS, PERSIAN_DIGITS)


def latin_digits(text: str) -> str:
    """``text`` with Persian and Arabic-Indic digits written as 0-9; nothing else changes."""
    return text.translate(_TO_LATIN)


def persian_digits(text: str) -> str:
    """``text`` with 0-9 written as Persian ۰-۹; nothing else changes."""
    return text.translate(_TO_PERSIAN)


def page_digits(value, language: str) -> str:
    """A figure as a page in ``language`` writes it: in Persian with Persian digits, the
    Persian decimal separator ``٫`` and percent sign ``٪``; otherwise as it is."""
    text = "" if value is None else str(value)
    if language != "fa":
        return text
    return persian_digits(text).replace("%", "٪").replace(".", "٫")


def page_percent(percentage, language: str) -> str:
    """A whole percentage (0–100) as ``page_digits`` writes it: ``۴۵٪`` or ``45%``."""
    return "" if percentage is None else page_digits(f"{round(percentage)}%", language)


_REPLACE.update(zip(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2, strict=True))

# Characters removed outright: harakat and Quranic marks, tatweel, joiners, bidi controls.
_REMOVE = [
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06EE),
    0x0640,  # tatweel
    0x200B,  # zero-width space
    0x200D,  # ZWJ
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x00AD,  # soft hyphen
    0xFEFF,  # byte order mark / zero-width no-break space
]

_TABLE = str.maketrans({**_REPLACE, **{chr(c): None for c in _REMOVE}})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold Persian/Arabic spelling variants, digits and invisible marks; keep letter case."""
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return _SPACES.sub(" ", text).strip()


def answer_key(text: str, *, case_sensitive: bool = False) -> str:
    """The form of ``text`` used to compare answers: normalised, casefolded unless asked not to."""
    key = normalise(text)
    return key if case_sensitive else key.casefold()


def _wildcard_parts(pattern: str) -> list[str]:
    r"""Split ``pattern`` at unescaped ``*``; ``\*`` stands for a literal star."""
    parts, current, i = [], [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and pattern[i + 1 : i + 2] == "*":
            current.append("*")
            i += 2
            continue
        if char == "*":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def _wildcard_match(parts: list[str], text: str) -> bool:
    """Whether ``text`` is ``parts`` joined by runs of any characters (linear, no regex)."""
    first, last = parts[0], parts[-1]
    start, end = len(first), len(text) - len(last)
    if end < start or not text.startswith(first) or not text.endswith(last):
        return False
    for part in parts[1:-1]:
        found = text.find(part, start, end)
        if found < 0:
            return False
        start = found + len(part)
    return True


def answers_match(given: str, expected: str, *, case_sensitive: bool = False) -> bool:
    """Whether a typed answer matches an expected one (Moodle ``*`` wildcards allowed).

    Spelling variants and spacing (می‌روم / می روم / میروم) do not matter.
    """
    given_key = answer_key(given, case_sensitive=case_sensitive)
    parts = _wildcard_parts(answer_key(expected, case_sensitive=case_sensitive))
    if len(parts) == 1:
        expected_key = parts[0]
        if not given_key or not expected_key:
            return False
        return given_key == expected_key or given_key.replace(" ", "") == expected_key.replace(
            " ", ""
        )
    return _wildcard_match(parts, given_key) or _wildcard_match(
        [part.replace(" ", "") for part in parts], given_key.replace(" ", "")
    )


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A finite number typed in any digit script (``۳٫۵``, ``1,234.5``, ``3,5``), else None.

    Commas are thousands separators in 3-digit groups when there is a dot, more than one
    comma or an Arabic thousands separator (٬); otherwise a single comma is a decimal separator.
    """
    grouped = "\u066c" in text
    value = normalise(text).replace(" ", "").replace("\u2212", "-")
    if "," in value:
        if "." not in value and value.count(",") == 1 and not grouped:
            value = value.replace(",", ".")
        elif _GROUPED.fullmatch(value):
            value = value.replace(",", "")
        else:
            return None
    if not _NUMBER.fullmatch(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def format_number(value: float) -> str:
    """A short, exact text for ``value`` that ``parse_number`` reads back (``3`` not ``3.0``)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# --- Search ---------------------------------------------------------------------------------
#
# Search folds more than answer grading does: ``normalise`` first, then letter case, alef with
# madda (آ -> ا: people often type آب as اب, and Elasticsearch's arabic_normalization folds it
# too; an answer key keeps it), and the ways Persian writes a compound: with a zero-width
# non-joiner, a space or nothing (حساب‌ها, حساب ها, حسابها). Both the indexed text
# (``search_document``) and the query (``search_query``) go through the same words, so any
# spelling of a query finds what its canonical spelling finds:
#
# - a word written with ZWNJ is searched joined (حسابها) and indexed joined and in its parts
#   (حسابها حساب ها), so the parts alone still find it;
# - a Persian suffix or prefix written as a word of its own (حساب ها, می روم) is joined to its
#   neighbour, in the text and in the query;
# - a Persian word ending in a plural suffix (ها, های, هایی) is also indexed without it, so
#   حساب finds حسابها however the text spells it;
# - Latin-script words get a light plural stemmer (payments -> payment, policies -> policy),
#   the same on SQLite and PostgreSQL (whose own text search configuration is then "simple").

ZWNJ = "\u200c"
_SEARCH_TABLE = str.maketrans(
    {**_REPLACE, ZWNJ: ZWNJ, "\u0622": "\u0627", **{chr(c): None for c in _REMOVE}}
)
# A word: letters and digits, possibly joined by ZWNJ (underscore separates words).
_SEARCH_WORD = re.compile(r"[^\W_]+(?:\u200c+[^\W_]+)*")
# Persian affixes that may be written apart from their word.
PERSIAN_SUFFIXES = frozenset(
    {"ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "ای", "ایی"}
    | {"تر", "ترین", "ی"}
)
PERSIAN_PREFIXES = frozenset({"می", "نمی"})
_PLURAL_SUFFIXES = ("هایی", "های", "ها")
_MIN_PERSIAN_STEM = 3


def _is_arabic_script(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff" or "\u0750" <= word[0] <= "\u077f"


def english_stem(word: str) -> str:
    """A light plural stemmer for Latin-script words (``payments`` -> ``payment``)."""
    if len(word) < 4 or word[-1] != "s" or not word.isascii() or word[-2] in "isu":
        return word
    if word.endswith("ies") and word[-4] not in "ae":
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith(("aes", "ees", "oes", "ies")):
        return word
    return word[:-1]


def _search_groups(text: str) -> list[list[str]]:
    """The words of ``text`` after search folding, each as the list of its parts."""
    folded = unicodedata.normalize("NFKC", text).translate(_SEARCH_TABLE).casefold()
    groups: list[list[str]] = []
    joining_next = False
    for match in _SEARCH_WORD.finditer(folded):
        parts = [part for part in match.group().split(ZWNJ) if part]
        persian = _is_arabic_script(parts[0])
        if groups and persian and (joining_next or parts[0] in PERSIAN_SUFFIXES):
            previous = groups[-1]
            if _is_arabic_script(previous[-1]):
                previous.extend(parts)
                joining_next = False
                continue
        groups.append(parts)
        joining_next = persian and len(parts) == 1 and parts[0] in PERSIAN_PREFIXES
    return groups


def _persian_stems(word: str) -> list[str]:
    """``word`` without a plural suffix, if it has one and enough is left (حسابها -> حساب)."""
    for suffix in _PLURAL_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_PERSIAN_STEM:
            return [word[: -len(suffix)]]
    return []


def _term(word: str) -> str:
    return word if _is_arabic_script(word) else english_stem(word)


def search_query(text: str) -> str:
    """The terms to search for in ``text``, space-separated (every part of a word joined)."""
    return " ".join(_term("".join(parts)) for parts in _search_groups(text))


def search_document(*texts: str) -> str:
    """The text to index for ``texts``: what ``search_query`` makes of any spelling of them."""
    terms: list[str] = []
    for text in texts:
        for parts in _search_groups(text or ""):
            joined = "".join(parts)
            terms.append(_term(joined))
            if len(parts) > 1:
                terms.extend(_term(part) for part in parts)
            elif _is_arabic_script(joined):
                terms.extend(_persian_stems(joined))
    return " ".join(terms)


def search_words(text: str) -> str:
    """Folded words of ``text`` for autocomplete: joined and in parts, never stemmed."""
    words: list[str] = []
    for parts in _search_groups(text):
        words.append("".join(parts))
        if len(parts) > 1:
            words.extend(parts)
    return " ".join(words)


def search_prefix(text: str) -> str:
    """The words of an autocomplete query (the last one is completed): joined, not stemmed."""
    return " ".join("".join(parts) for parts in _search_groups(text))
