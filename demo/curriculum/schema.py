"""Reading and checking curriculum files (``content/curriculum/*.json``) before anything is made.

Every problem names its place: ``01-device-basics.json: course “device-basics”, lesson
“touch-and-buttons” (fa), block 3: …``. The loader checks every file first and creates nothing
if one of them is wrong.
"""

import json
from pathlib import Path

from quizzes.formats.gift import parse_gift

SCHEMA = 1
LANGUAGES = ("fa", "en")
LEVELS = ("beginner", "intermediate", "advanced")
CALLOUTS = ("tip", "warning", "note")
BLOCKS = ("heading", "subheading", "text", "steps", "key_points", "h5p", *CALLOUTS)
H5P_KINDS = ("multichoice", "truefalse", "blanks")
MIN_LESSONS = 4
MIN_QUESTIONS = 8
SLUG = "abcdefghijklmnopqrstuvwxyz0123456789-"


class CurriculumError(Exception):
    """A curriculum file is malformed; the message says where (file, course, lesson)."""


class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.where = [path.name]

    def fail(self, problem: str):
        raise CurriculumError(f"{': '.join(self.where)}: {problem}")

    def at(self, label: str) -> "_At":
        return _At(self, label)

    def mapping(self, value, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(f"expected an object, found {type(value).__name__}")
        missing = [key for key in keys if key not in value]
        if missing:
            self.fail(f"missing {', '.join(missing)}")
        unknown = sorted(set(value) - set(keys) - set(optional))
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}")
        return value

    def text(self, value, name: str, *, max_length: int = 0) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{name} must be a non-empty string")
        if max_length and len(value) > max_length:
            self.fail(f"{name} is longer than {max_length} characters")
        return value

    def texts(self, value, name: str) -> list[str]:
        if not isinstance(value, list) or not value:
            self.fail(f"{name} must be a non-empty list of strings")
        return [self.text(item, name) for item in value]

    def slug(self, value, name: str = "slug") -> str:
        self.text(value, name, max_length=80)
        if set(value) - set(SLUG):
            self.fail(f"{name} “{value}” may hold only a-z, 0-9 and hyphens")
        return value

    def number(self, value, name: str, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(f"{name} must be a whole number from {low} to {high}")
        return value


class _At:
    """``with checker.at("lesson “x”")``: adds a place to the messages raised inside."""

    def __init__(self, checker: _Checker, label: str):
        self.checker, self.label = checker, label

    def __enter__(self):
        self.checker.where.append(self.label)

    def __exit__(self, *exc):
        self.checker.where.pop()


def read_course(path: Path, *, competence_codes: set[str]) -> dict:
    """The course described by the file at ``path``, checked; raises ``CurriculumError``."""
    check = _Checker(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        check.fail(f"not readable JSON ({error})")
    keys = ("schema", "version", "slug", "level", "minutes", "competences", "lessons", "quiz")
    check.mapping(data, (*keys, *LANGUAGES))
    if data["schema"] != SCHEMA:
        check.fail(f"schema must be {SCHEMA}")
    check.number(data["version"], "version", 1, 10_000)
    slug = check.slug(data["slug"])
    with check.at(f"course “{slug}”"):
        if data["level"] not in LEVELS:
            check.fail(f"level must be one of {', '.join(LEVELS)}")
        check.number(data["minutes"], "minutes", 1, 6000)
        codes = check.texts(data["competences"], "competences")
        unknown = sorted(set(codes) - competence_codes)
        if unknown:
            check.fail(f"unknown DigComp competence(s) {', '.join(unknown)}")
        for code in LANGUAGES:
            with check.at(code):
                course = check.mapping(data[code], ("title", "summary", "audience", "outcomes"))
                check.text(course["title"], "title", max_length=255)
                check.text(course["summary"], "summary")
                check.text(course["audience"], "audience", max_length=255)
                check.texts(course["outcomes"], "outcomes")
        lessons = data["lessons"]
        if not isinstance(lessons, list) or len(lessons) < MIN_LESSONS:
            check.fail(f"needs at least {MIN_LESSONS} lessons")
        seen = set()
        for number, lesson in enumerate(lessons, 1):
            with check.at(f"lesson {number}"):
                _check_lesson(check, lesson, seen)
        _check_quiz(check, data["quiz"], seen)
    return data


def _check_lesson(check: _Checker, lesson, seen: set[str]) -> None:
    check.mapping(lesson, ("slug", "minutes", *LANGUAGES))
    slug = check.slug(lesson["slug"])
    check.where[-1] = f"lesson “{slug}”"
    if slug in seen:
        check.fail("slug used twice in the course")
    seen.add(slug)
    check.number(lesson["minutes"], "minutes", 1, 600)
    for code in LANGUAGES:
        check.where[-1] = f"lesson “{slug}” ({code})"
        content = check.mapping(lesson[code], ("title", "body"))
        check.text(content["title"], "title", max_length=255)
        body = content["body"]
        if not isinstance(body, list) or not body:
            check.fail("body must be a non-empty list of blocks")
        for number, block in enumerate(body, 1):
            with check.at(f"block {number}"):
                _check_block(check, block)
    check.where[-1] = f"lesson “{slug}”"
    kinds = [[next(iter(block)) for block in lesson[code]["body"]] for code in LANGUAGES]
    if kinds[0].count("h5p") != kinds[1].count("h5p"):
        check.fail("the fa and en bodies must hold the same number of H5P exercises")


def _check_block(check: _Checker, block) -> None:
    if not isinstance(block, dict) or len(block) != 1:
        check.fail("a block is an object with one key: " + ", ".join(BLOCKS))
    kind, value = next(iter(block.items()))
    if kind not in BLOCKS:
        check.fail(f"unknown block “{kind}”; use one of {', '.join(BLOCKS)}")
    if kind in ("heading", "subheading"):
        check.text(value, kind, max_length=200)
    elif kind == "text":
        check.text(value, kind)
    elif kind in CALLOUTS:
        if isinstance(value, dict):
            check.mapping(value, ("text",), ("title",))
            check.text(value["text"], "text")
        else:
            check.text(value, kind)
    elif kind == "steps":
        check.mapping(value, ("steps",), ("title",))
        check.texts(value["steps"], "steps")
    elif kind == "key_points":
        check.mapping(value, ("points",), ("title",))
        for point in check.texts(value["points"], "points"):
            check.text(point, "point", max_length=300)
    else:
        _check_h5p(check, value)


def _check_h5p(check: _Checker, value) -> None:
    kind = value.get("type") if isinstance(value, dict) else None
    if kind not in H5P_KINDS:
        check.fail(f"an h5p block needs a type: {', '.join(H5P_KINDS)}")
    if kind == "multichoice":
        check.mapping(value, ("type", "title", "question", "answers"))
        answers = value["answers"]
        if not isinstance(answers, list) or len(answers) < 2:
            check.fail("a multichoice exercise needs at least two answers")
        for answer in answers:
            check.mapping(answer, ("text", "correct"), ("feedback",))
            check.text(answer["text"], "answer")
            if not isinstance(answer["correct"], bool):
                check.fail("an answer's correct must be true or false")
        if not any(answer["correct"] for answer in answers):
            check.fail("a multichoice exercise needs a correct answer")
    elif kind == "truefalse":
        check.mapping(value, ("type", "title", "question", "correct"), ("feedback",))
        check.text(value["question"], "question")
        if not isinstance(value["correct"], bool):
            check.fail("correct must be true or false")
    else:
        check.mapping(value, ("type", "title", "text", "sentences"))
        check.text(value["text"], "text")
        for sentence in check.texts(value["sentences"], "sentences"):
            if sentence.count("*") < 2 or sentence.count("*") % 2:
                check.fail(f"mark each missing word with *stars*: “{sentence}”")
    check.text(value["title"], "title", max_length=200)


def _check_quiz(check: _Checker, quiz, lesson_slugs: set[str]) -> None:
    with check.at("quiz"):
        check.mapping(quiz, ("slug", "pass_mark", "attempts", "minutes", *LANGUAGES))
        if check.slug(quiz["slug"]) in lesson_slugs:
            check.fail("the quiz's slug is a lesson's slug")
        check.number(quiz["pass_mark"], "pass_mark", 0, 100)
        check.number(quiz["attempts"], "attempts", 0, 100)
        check.number(quiz["minutes"], "minutes", 1, 600)
        for code in LANGUAGES:
            with check.at(code):
                content = check.mapping(quiz[code], ("title", "intro", "gift"))
                check.text(content["title"], "title", max_length=255)
                check.text(content["intro"], "intro")
                questions = check.texts(content["gift"], "gift")
                if len(questions) < MIN_QUESTIONS:
                    check.fail(f"needs at least {MIN_QUESTIONS} questions")
                parsed = parse_gift("\n\n".join(questions))
                if not parsed.ok:
                    check.fail("GIFT: " + "; ".join(str(error) for error in parsed.errors))
                if len(parsed.questions) != len(questions):
                    check.fail(f"each gift item must be one question ({len(parsed.questions)})")
