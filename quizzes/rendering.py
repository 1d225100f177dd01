"""HTML of a question's answer area, for answering (editable) and for review (read-only).

Built with ``format_html`` so every learner- and teacher-supplied string is escaped; question
texts are the teacher's rich text (expanded like any Wagtail rich text).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from .selectors import ShownQuestion

_FLAGS = {name: mark_safe(f" {name}") for name in ("checked", "selected", "disabled")}  # noqa: S308


def _flag(name: str, on: bool) -> SafeString | str:
    """A boolean HTML attribute (a constant, never user data) or nothing."""
    return _FLAGS[name] if on else ""


def _disabled(editable: bool) -> SafeString | str:
    return _flag("disabled", not editable)


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _choice_list(item: ShownQuestion, editable: bool, *, multiple: bool) -> SafeString:
    name = f"q{item.position}-{'choices' if multiple else 'choice'}"
    chosen = set(item.answer.get("choices", [])) | {item.answer.get("choice")}
    right = set()
    if item.correct is not None:
        right = set(item.correct.get("choices", [])) | {item.correct.get("choice")}
    rows = []
    for choice in item.view["choices"]:
        marker = ""
        if choice["id"] in right:
            marker = format_html(' <strong class="right-answer">{}</strong>', _("(right answer)"))
        rows.append(
            format_html(
                '<li><label><input type="{}" name="{}" value="{}"{}{}> {}</label>{}</li>',
                "checkbox" if multiple else "radio",
                name,
                choice["key"],
                _flag("checked", choice["id"] in chosen),
                _disabled(editable),
                choice["text"],
                marker,
            )
        )
    legend = _("Choose one or more answers:") if multiple else _("Choose one answer:")
    return format_html(
        '<fieldset class="answers"><legend>{}</legend><ul class="choices">{}</ul></fieldset>',
        legend,
        _join(rows),
    )


def _true_false(item: ShownQuestion, editable: bool) -> SafeString:
    value = item.answer.get("value")
    options = [("true", _("True"), value is True), ("false", _("False"), value is False)]
    rows = format_html_join(
        "",
        '<li><label><input type="radio" name="{}" value="{}"{}{}> {}</label></li>',
        (
            (f"q{item.position}-value", key, _flag("checked", on), _disabled(editable), label)
            for key, label, on in options
        ),
    )
    right = ""
    if item.correct is not None:
        right = format_html(
            '<p class="right-answer">{} {}</p>',
            _("Right answer:"),
            _("True") if item.correct.get("value") else _("False"),
        )
    return format_html(
        '<fieldset class="answers"><legend>{}</legend><ul class="choices">{}</ul></fieldset>{}',
        _("Choose one answer:"),
        rows,
        right,
    )


def _text_input(item: ShownQuestion, editable: bool) -> SafeString:
    name = f"q{item.position}-text"
    value = item.answer.get("text", "")
    right = _right_text(item.correct.get("text") if item.correct else None)
    if item.view["type"] == "essay":
        return format_html(
            '<label for="{0}">{1}</label><textarea id="{0}" name="{0}" rows="8" dir="auto"{2}>'
            "{3}</textarea>",
            name,
            _("Your answer"),
            _disabled(editable),
            value,
        )
    mode = format_html(' inputmode="{}"', "decimal") if item.view["type"] == "numerical" else ""
    return format_html(
        '<label for="{0}">{1}</label> <input type="text" id="{0}" name="{0}" value="{2}" '
        'dir="auto" autocomplete="off"{3}{4}>{5}',
        name,
        _("Your answer"),
        value,
        mode,
        _disabled(editable),
        right,
    )


def _right_text(text) -> SafeString | str:
    if not text:
        return ""
    return format_html('<p class="right-answer">{} <bdi>{}</bdi></p>', _("Right answer:"), text)


def _select(name: str, label: str, options, selected, editable: bool) -> SafeString:
    choices = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, _flag("selected", value == selected), text) for value, text in options),
    )
    return format_html(
        '<select id="{0}" name="{0}" aria-label="{1}"{2}><option value="">{3}</option>{4}</select>',
        name,
        label,
        _disabled(editable),
        _("Choose…"),
        choices,
    )


def _matching(item: ShownQuestion, editable: bool) -> SafeString:
    pairs = item.answer.get("pairs", {})
    options = [(o["key"], o["text"]) for o in item.view["options"]]
    key_of = {o["id"]: o["key"] for o in item.view["options"]}
    rows = []
    for sub in item.view["subquestions"]:
        name = f"q{item.position}-pair-{sub['key']}"
        chosen = key_of.get(pairs.get(str(sub["id"])))
        select = _select(name, sub["text"], options, chosen, editable)
        right = ""
        if item.correct is not None:
            right_text = item.correct.get("pair_texts", {}).get(str(sub["id"]), "")
            right = format_html(
                ' <span class="right-answer">{} {}</span>', _("Right answer:"), right_text
            )
        rows.append(format_html("<li><span>{}</span> {}{}</li>", sub["text"], select, right))
    return format_html('<ul class="matching">{}</ul>', _join(rows))


def _ordering(item: ShownQuestion, editable: bool) -> SafeString:
    order = item.answer.get("order", [])
    positions = [(number, str(number)) for number in range(1, len(item.view["choices"]) + 1)]
    rows = []
    for choice in item.view["choices"]:
        current = order.index(choice["id"]) + 1 if choice["id"] in order else None
        name = f"q{item.position}-rank-{choice['key']}"
        label = _("Position of “%(item)s”") % {"item": choice["text"]}
        rows.append(
            format_html(
                "<li>{} <span>{}</span></li>",
                _select(name, label, positions, current, editable),
                choice["text"],
            )
        )
    right = ""
    if item.correct is not None:
        texts = {c["id"]: c["text"] for c in item.view["choices"]}
        right = format_html(
            '<p class="right-answer">{}</p><ol>{}</ol>',
            _("Right order:"),
            format_html_join("", "<li>{}</li>", ((texts[i],) for i in item.correct["order"])),
        )
    return format_html(
        '<p class="hint">{}</p><ul class="ordering">{}</ul>{}',
        _("Give each item its position in the right order."),
        _join(rows),
        right,
    )


def _cloze(item: ShownQuestion, editable: bool) -> SafeString:
    gaps = item.answer.get("gaps", {})
    right = item.correct.get("gaps", {}) if item.correct else {}

    def render_gap(gap) -> str:
        number = str(gap["number"])
        name = f"q{item.position}-gap-{number}"
        label = _("Gap %(number)s") % {"number": number}
        given = gaps.get(number, {})
        expected = right.get(number)
        if gap["type"] == "multichoice":
            options = [(c["id"], c["text"]) for c in gap["choices"]]
            html = _select(name, label, options, given.get("choice"), editable)
            if expected:
                html += format_html(
                    ' <span class="right-answer">({})</span>', dict(options).get(expected["choice"])
                )
        elif gap["type"] == "multiresponse":
            chosen = set(given.get("choices", []))
            html = format_html_join(
                " ",
                '<label><input type="checkbox" name="{}" value="{}"{}{}> {}</label>',
                (
                    (
                        name,
                        c["id"],
                        _flag("checked", c["id"] in chosen),
                        _disabled(editable),
                        c["text"],
                    )
                    for c in gap["choices"]
                ),
            )
        else:
            html = format_html(
                '<input type="text" name="{}" value="{}" aria-label="{}" size="12" dir="auto" '
                'autocomplete="off"{}>',
                name,
                given.get("text", ""),
                label,
                _disabled(editable),
            )
            if expected:
                html += format_html(' <span class="right-answer">({})</span>', expected["text"])
        return str(html)

    text = expand_db_html(item.view["text"])
    for gap in item.view.get("gaps", []):
        text = text.replace(item.view["placeholder"].format(number=gap["number"]), render_gap(gap))
    return mark_safe(f'<div class="cloze">{text}</div>')  # noqa: S308 - parts escaped above


RENDERERS = {
    "truefalse": _true_false,
    "shortanswer": _text_input,
    "numerical": _text_input,
    "essay": _text_input,
    "match": _matching,
    "ordering": _ordering,
}


def question_text(item: ShownQuestion) -> SafeString:
    if item.view["type"] == "cloze":
        return mark_safe("")
    return mark_safe(expand_db_html(item.view["text"]))  # noqa: S308 - the teacher's rich text


def answer_area(item: ShownQuestion, *, editable: bool) -> SafeString:
    kind = item.view["type"]
    if kind == "description":
        return mark_safe("")
    if kind == "cloze":
        return _cloze(item, editable)
    if kind == "multichoice":
        return _choice_list(item, editable, multiple=not item.view["single"])
    return RENDERERS[kind](item, editable)
