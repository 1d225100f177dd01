"""Grade H5P answers on the server, from the learner's response and the package's own answers.

H5P content grades itself in the browser, so the score in an xAPI statement is whatever the
browser says. For the common question types the statement also carries the learner's
``result.response``; this module scores that response against the correct answers in the
package's stored ``content/content.json``, following each library's own rules (read from the
libraries' source: MultiChoice 1.14, TrueFalse 1.6, Blanks 1.12, DragText 1.8, MarkTheWords
1.9, SingleChoiceSet, QuestionSet 1.17). The statement's ``score``, ``success`` and
``object.definition.correctResponsesPattern`` are never read.

Answers are compared the way H5P compares them (trimmed; Blanks case-folded unless the task is
case sensitive) and, on top of that, with Savad's Persian normalisation (``core.text``): ي/ی,
ك/ک, Persian/Arabic digits and invisible marks never make a right answer wrong.

A response the grader cannot interpret raises ``Ungradable``: the caller then treats the score
as self-reported.
"""

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

from core.text import answer_key
from xapi.validation import scaled_score

SEPARATOR = "[,]"  # how H5P joins the parts of a response


class Ungradable(ValueError):
    """The response (or the content) is not something this module can grade."""


@dataclass(frozen=True)
class Grade:
    raw: float
    max: float
    success: bool | None = None

    @property
    def scaled(self) -> float:
        """0–1 (``xapi.validation.scaled_score``); 0 for content without points."""
        return scaled_score({"raw": self.raw, "max": self.max}) or 0.0


# --- Reading content.json ------------------------------------------------------------------


def machine_name(library: str) -> str:
    """``H5P.MultiChoice`` from ``H5P.MultiChoice 1.14`` (or from the bare machine name)."""
    return str(library or "").strip().split(" ")[0]


def find_sub_content(content, sub_content_id: str) -> tuple[str, dict] | None:
    """The ``(library, params)`` of the sub-content with this id anywhere in ``content``."""
    if not sub_content_id:
        return None
    stack = [content]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if (
                node.get("subContentId") == sub_content_id
                and isinstance(node.get("library"), str)
                and isinstance(node.get("params"), dict)
            ):
                return node["library"], node["params"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _parts(response) -> list[str]:
    if not isinstance(response, str):
        raise Ungradable("the response is not a string")
    return response.split(SEPARATOR)


def _indices(response, count: int) -> list[int]:
    """Choice indices of a ``0[,]2`` response; each in range and given once."""
    if response == "":
        return []
    chosen = []
    for part in _parts(response):
        if not part.isascii() or not part.isdigit() or int(part) >= count:
            raise Ungradable(f"not a choice: {part!r}")
        chosen.append(int(part))
    if len(set(chosen)) != len(chosen):
        raise Ungradable("a choice is given twice")
    return chosen


def _number(value, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _behaviour(params: dict) -> dict:
    value = params.get("behaviour")
    return value if isinstance(value, dict) else {}


# --- One function per library --------------------------------------------------------------


def grade_multichoice(params: dict, response) -> Grade:
    """H5P.MultiChoice: radio buttons when one answer is right (or ``type`` is ``single``).

    Single answer: 1 point for the right choice (maximum: the task's weight). Several answers:
    each right choice adds its weight and each wrong one takes it away (never below 0); with
    ``singlePoint`` (the default) that becomes all or nothing at ``passPercentage``. Choosing
    nothing is right when no answer is. Response: original choice indices joined by ``[,]``.
    """
    answers = params.get("answers")
    if not isinstance(answers, list) or not answers:
        raise Ungradable("no answers")
    behaviour = {"type": "auto", "singlePoint": True, "passPercentage": 100}
    behaviour.update(_behaviour(params))
    weight = _number(params.get("weight"), 1.0)
    correct = [isinstance(a, dict) and a.get("correct") is True for a in answers]
    weights = [_number(a.get("weight"), 1.0) if isinstance(a, dict) else 1.0 for a in answers]
    blank_is_correct = not any(correct)
    if behaviour["type"] == "auto":
        single = correct.count(True) == 1
    else:
        single = behaviour["type"] == "single"
    chosen = _indices(response, len(answers))
    pass_percentage = _number(behaviour.get("passPercentage"), 100.0)

    def full_marks() -> float:
        if blank_is_correct:
            return weight
        return sum(w for w, ok in zip(weights, correct, strict=True) if ok)

    if single:
        if len(chosen) > 1:
            raise Ungradable("several choices in a single-answer task")
        score = 1.0 if chosen and correct[chosen[0]] else 0.0
        maximum = weight
    else:
        score = sum(weights[i] if correct[i] else -weights[i] for i in chosen)
        score = max(score, 0.0)
        if not chosen and blank_is_correct:
            score = weight
        if behaviour.get("singlePoint"):
            marks = full_marks()
            score = weight if marks and 100 * score / marks >= pass_percentage else 0.0
            maximum = weight
        else:
            maximum = full_marks()
    if maximum <= 0:
        raise Ungradable("no points to give")
    return Grade(score, maximum, 100 * score / maximum >= pass_percentage)


def grade_truefalse(params: dict, response) -> Grade:
    """H5P.TrueFalse: response ``true`` or ``false``; one point for the right one."""
    if response not in ("true", "false", ""):
        raise Ungradable("not true or false")
    right = "false" if params.get("correct") == "false" else "true"
    score = 1.0 if response == right else 0.0
    return Grade(score, 1.0, score == 1.0)


class _Text(HTMLParser):
    """The text nodes of an HTML fragment, in order, entities decoded (like jQuery's text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []

    def handle_data(self, data: str) -> None:
        self.nodes.append(data)


def _text_nodes(fragment: str) -> list[str]:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return parser.nodes


def _blanks_solutions(question: str) -> list[list[str]]:
    """The blanks of one Blanks question: ``*answer/other:tip*`` gives ``[answer, other]``."""
    found, start = [], question.find("*")
    while start != -1:
        end = question.find("*", start + 1)
        if end == -1:
            break
        inner = question[start + 1 : end]
        if not inner:  # "**" is no blank; look again from the second star
            start = end
            continue
        solution = inner.split(":", 1)[0]
        found.append([html.unescape(part.strip()) for part in solution.split("/")])
        start = question.find("*", end + 1)
    return found


def _distance(first: str, second: str) -> int:
    """Levenshtein distance counting a swap of two neighbours as one edit (as H5P does)."""
    if first == second:
        return 0
    rows = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i in range(len(first) + 1):
        rows[i][0] = i
    for j in range(len(second) + 1):
        rows[0][j] = j
    for i in range(1, len(first) + 1):
        for j in range(1, len(second) + 1):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            best = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                best = min(best, rows[i - 2][j - 2] + cost)
            rows[i][j] = best
    return rows[-1][-1]


def _near(answer: str, solution: str) -> bool:
    """H5P's "accept spelling errors": 1 edit for words over 3 letters, 2 over 9."""
    distance = _distance(answer, solution)
    return (len(solution) > 9 and distance <= 2) or (len(solution) > 3 and distance <= 1)


def grade_blanks(params: dict, response) -> Grade:
    """H5P.Blanks: each blank is one point; its answer is trimmed, compared to each ``/``
    alternative (case-folded unless ``caseSensitive``), optionally with spelling errors.
    Response: the inputs in order joined by ``[,]``."""
    questions = params.get("questions")
    if not isinstance(questions, list):
        raise Ungradable("no questions")
    blanks = [s for q in questions if isinstance(q, str) for s in _blanks_solutions(q)]
    if not blanks:
        raise Ungradable("no blanks")
    given = _parts(response) if response != "" or len(blanks) == 1 else None
    if given is None or len(given) != len(blanks):
        raise Ungradable("not one answer per blank")
    behaviour = _behaviour(params)
    case_sensitive = behaviour.get("caseSensitive", True) is True
    fuzzy = behaviour.get("acceptSpellingErrors") is True
    score = 0
    for answer, solutions in zip(given, blanks, strict=True):
        key = answer_key(answer, case_sensitive=case_sensitive)
        keys = [answer_key(s, case_sensitive=case_sensitive) for s in solutions]
        if key in keys or (fuzzy and any(_near(key, k) for k in keys)):
            score += 1
    return Grade(float(score), float(len(blanks)), score == len(blanks))


_DRAG_TIP = re.compile(r":[^\\*]+")
_DRAG_FEEDBACK = (re.compile(r"\\\+[^\\*:]+"), re.compile(r"\\-[^\\*:]+"))


def _drag_word(part: str) -> str:
    """The text of a ``*word:tip\\+right\\-wrong*`` drop zone, as DragText lexes it."""
    text = part[1:-1]
    for pattern in (_DRAG_TIP, *_DRAG_FEEDBACK):
        found = pattern.findall(part)
        if found:
            text = text.replace(",".join(found), "", 1)
    return text.rstrip()


def grade_dragtext(params: dict, response) -> Grade:
    """H5P.DragText: each drop zone is one point when it holds the word written for it.
    Response: the word in each drop zone (empty for none) joined by ``[,]``."""
    text = params.get("textField")
    if not isinstance(text, str):
        raise Ungradable("no text")
    text = re.sub(r"\r\n|\n|\r", "<br/>", text)
    zones = [
        _drag_word(part)
        for part in re.split(r"(\*.*?\*)", text)
        if len(part) > 1 and part.startswith("*") and part.endswith("*")
    ]
    if not zones:
        raise Ungradable("no drop zones")
    given = _parts(response)
    if len(given) != len(zones):
        raise Ungradable("not one word per drop zone")
    words = [answer_key(word, case_sensitive=True) for word in zones]
    distractors = params.get("distractors")
    if isinstance(distractors, str):
        words += [
            answer_key(_drag_word(part), case_sensitive=True)
            for part in re.split(r"(\*.*?\*)", distractors)
            if len(part) > 1 and part.startswith("*") and part.endswith("*")
        ]
    available = list(words)
    score = 0
    for placed, zone in zip(given, zones, strict=True):
        if placed == "":
            continue
        key = answer_key(placed, case_sensitive=True)
        if key not in available:
            raise Ungradable("a word that is not one of the draggables")
        available.remove(key)
        score += key == answer_key(zone, case_sensitive=True)
    return Grade(float(score), float(len(zones)), score == len(zones))


_MARK_WORDS = re.compile(r" \*[^\* ]+\* |[^\s]+")
_MARK_PREFIX = re.compile(r"^[\[\({⟨¿¡“\"«„]+")
_MARK_SUFFIX = re.compile(r"[\",….:;?!\]\)}⟩»”]+$")


def _without_double_stars(word: str) -> str:
    sliced, index = word, word.find("*")
    while index != -1:
        if word.find("*", index + 1) == index + 1:
            sliced = word[:index] + word[index + 2 :]
        index = word.find("*", index + 1)
    return sliced


def _is_marked(word: str) -> bool:
    stripped = _without_double_stars(word)
    if not stripped.startswith("*") or len(stripped) <= 2:
        return False
    return stripped[-1] == "*" or stripped[-2] == "*"


def mark_the_words_answers(text_field: str) -> list[bool]:
    """For each selectable word of a MarkTheWords text: whether it is one to mark."""
    marked = []
    for node in _text_nodes(text_field):
        node = re.sub(r"&nbsp;|\r\n|\n|\r", " ", node)
        for entry in _MARK_WORDS.findall(node):
            entry = entry.strip()
            prefix = _MARK_PREFIX.match(entry)
            start = len(prefix.group()) if prefix else 0
            suffix = _MARK_SUFFIX.search(entry)
            end = len(entry) - (len(suffix.group()) if suffix else 0)
            word = entry[start:end]
            if word:
                marked.append(_is_marked(word))
    return marked


def grade_mark_the_words(params: dict, response) -> Grade:
    """H5P.MarkTheWords: right marks minus wrong marks (never below 0), out of the words to
    mark; marking nothing is right when there is nothing to mark. Response: the indices of the
    marked words joined by ``[,]``."""
    text = params.get("textField")
    if not isinstance(text, str):
        raise Ungradable("no text")
    words = mark_the_words_answers(text)
    if not words:
        raise Ungradable("no words")
    chosen = _indices(response, len(words))
    right = sum(1 for i in chosen if words[i])
    wrong = len(chosen) - right
    answers = words.count(True)
    if answers == 0:
        answers = 1
        if wrong == 0:
            right = 1
    score = max(right - wrong, 0)
    return Grade(float(score), float(answers), score == answers)


def grade_single_choice(params: dict, response) -> Grade:
    """One question of H5P.SingleChoiceSet: the first answer written is the right one.
    Response: the original index of the chosen answer."""
    answers = params.get("answers")
    if not isinstance(answers, list) or not answers:
        raise Ungradable("no answers")
    chosen = _indices(response, len(answers))
    if len(chosen) != 1:
        raise Ungradable("not one choice")
    score = 1.0 if chosen[0] == 0 else 0.0
    return Grade(score, 1.0, score == 1.0)


QUESTIONS: Mapping[str, Callable[[dict, object], Grade]] = {
    "H5P.MultiChoice": grade_multichoice,
    "H5P.TrueFalse": grade_truefalse,
    "H5P.Blanks": grade_blanks,
    "H5P.DragText": grade_dragtext,
    "H5P.MarkTheWords": grade_mark_the_words,
}
SETS = {"H5P.QuestionSet", "H5P.SingleChoiceSet"}
SINGLE_CHOICE = "H5P.SingleChoiceSet.choice"  # a question inside a SingleChoiceSet


def grade_response(library: str, params: dict, response) -> Grade:
    """Grade one question's response; ``Ungradable`` for other libraries or bad responses."""
    name = machine_name(library)
    grader = grade_single_choice if name == SINGLE_CHOICE else QUESTIONS.get(name)
    if grader is None or not isinstance(params, dict):
        raise Ungradable(f"no server grading for {name or 'this content'}")
    return grader(params, response)


# --- Sets: the sum of their questions ------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A question of a set: its sub-content id, library and parameters."""

    sub_content_id: str
    library: str
    params: dict


def set_members(library: str, params: dict) -> list[Member]:
    """The questions of a QuestionSet or SingleChoiceSet (``Ungradable`` if not all gradable).

    A QuestionSet drawing a random pool of its questions (``poolSize``) cannot be re-summed:
    the server does not know which questions the learner was given.
    """
    name = machine_name(library)
    if name == "H5P.QuestionSet":
        questions = params.get("questions")
        pool = params.get("poolSize")
        pooled = isinstance(pool, int) and not isinstance(pool, bool) and pool > 0
        if pooled and (not isinstance(questions, list) or pool < len(questions)):
            raise Ungradable("questions drawn from a pool")
        members = [
            Member(q.get("subContentId", ""), q.get("library", ""), q.get("params"))
            for q in questions or []
            if isinstance(q, dict)
        ]
    elif name == "H5P.SingleChoiceSet":
        choices = [c for c in params.get("choices") or [] if isinstance(c, dict)]
        members = [
            Member(c.get("subContentId", ""), SINGLE_CHOICE, c) for c in choices if c.get("answers")
        ]
    else:
        raise Ungradable(f"{name} is not a question set")
    if not members:
        raise Ungradable("an empty set")
    for member in members:
        member_name = machine_name(member.library)
        if not member.sub_content_id or not isinstance(member.params, dict):
            raise Ungradable("a question without a sub-content id")
        if member_name != SINGLE_CHOICE and member_name not in QUESTIONS:
            raise Ungradable(f"a question of type {member_name}")
    return members


def grade_set(library: str, params: dict, answered: Mapping[str, Grade]) -> Grade:
    """A set's score from the server's grades of its questions (sub-content id → grade).

    Every question must have been answered (H5P reports a question when it is checked); the
    set passes at its ``passPercentage`` (QuestionSet default 50, SingleChoiceSet 100).
    """
    members = set_members(library, params)
    missing = [m.sub_content_id for m in members if m.sub_content_id not in answered]
    if missing:
        raise Ungradable(f"{len(missing)} question(s) not answered")
    raw = sum(answered[m.sub_content_id].raw for m in members)
    maximum = sum(answered[m.sub_content_id].max for m in members)
    if maximum <= 0:
        raise Ungradable("no points to give")
    default = 50.0 if machine_name(library) == "H5P.QuestionSet" else 100.0
    if machine_name(library) == "H5P.QuestionSet":
        pass_percentage = _number(params.get("passPercentage"), default)
    else:
        pass_percentage = _number(_behaviour(params).get("passPercentage"), default)
    return Grade(raw, maximum, 100 * raw / maximum >= pass_percentage)


def member_of(content: dict, main_library: str, sub_content_id: str) -> Member | None:
    """The gradable question ``sub_content_id`` names in this package, if there is one."""
    if machine_name(main_library) == "H5P.SingleChoiceSet":
        for choice in content.get("choices") or []:
            if isinstance(choice, dict) and choice.get("subContentId") == sub_content_id:
                return Member(sub_content_id, SINGLE_CHOICE, choice)
        return None
    found = find_sub_content(content, sub_content_id)
    return Member(sub_content_id, *found) if found else None


def is_gradable(main_library: str) -> bool:
    """Whether statements of a package with this main library can be graded here at all."""
    name = machine_name(main_library)
    return name in QUESTIONS or name in SETS


def library_from_category(categories: Iterable) -> str | None:
    """``H5P.MultiChoice`` from ``context.contextActivities.category`` (first H5P library)."""
    for entry in categories or []:
        identifier = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(identifier, str) and identifier.startswith("http://h5p.org/libraries/"):
            name = identifier.removeprefix("http://h5p.org/libraries/")
            return name.rsplit("-", 1)[0]
    return None
