"""Snippets of a result's text around the words searched for, HTML-escaped, with <mark>.

A word of the text is marked when its folded forms (``core.text.search_document``) hold one of
the query's terms, so «كارت» in the text is marked for the query «کارت»; a Persian affix
written apart («حساب ها») is marked with its word.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.text import PERSIAN_SUFFIXES, search_document, search_query

# A word as written: letters, digits, diacritics, tatweel and joiners.
_WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d])+")
SNIPPET_LENGTH = 220
_BEFORE = 60


def _marked_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    words = list(_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    for index, word in enumerate(words):
        if spans and spans[-1][1] >= word.end():
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and search_query(following.group()) in PERSIAN_SUFFIXES:
            pair = text[word.start() : following.end()]
            if search_query(pair) in terms:
                spans.append((word.start(), following.end()))
                continue
        if terms & set(search_document(word.group()).split()):
            spans.append((word.start(), word.end()))
    return spans


def _cut(text: str, start: int, end: int, *, at_start: bool) -> int:
    """``start`` or ``end`` moved to the nearest space so no word is cut in half."""
    if at_start:
        space = text.rfind(" ", 0, start)
        return 0 if space < 0 else space + 1
    space = text.find(" ", end)
    return len(text) if space < 0 else space


def highlight(texts: list[str], query: str, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of the first of ``texts`` that holds a query term (else of
    the first text), escaped, the matching words in ``<mark>``; "" when there is no text."""
    terms = set(search_query(query).split())
    texts = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not texts:
        return mark_safe("")
    text, spans = texts[0], []
    for candidate in texts:
        found = _marked_spans(candidate, terms)
        if found:
            text, spans = candidate, found
            break
    start = 0
    if spans and spans[0][0] > _BEFORE:
        start = _cut(text, spans[0][0] - _BEFORE, 0, at_start=True)
    end = min(len(text), start + length)
    if end < len(text):
        end = _cut(text, 0, end, at_start=False)
    pieces, position = ["…" if start else ""], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above
