"""H5P packages in a lesson's language, built from a curriculum file's exercise.

Each exercise type starts from a real package in ``tests/fixtures/h5p/`` (see SOURCES.md there):
its ``h5p.json`` gets the exercise's title and language, its ``content/content.json`` is written
anew from the exercise and the player's texts in that language, and the package's library folders
are copied unchanged (only those the shared library store lacks: H5P accepts a package whose
dependencies are installed already, which keeps every package after the first one small).
"""

import html
import io
import json
import zipfile
from pathlib import Path

from django.conf import settings

TEMPLATES = {
    "multichoice": "multichoice.h5p",
    "truefalse": "truefalse-hello-world.h5p",
    "blanks": "blanks.h5p",
}

CONFIRM = {
    "fa": {
        "confirmCheck": {
            "header": "پایان؟",
            "body": "مطمئن هستید که می‌خواهید تمام کنید؟",
            "cancelLabel": "انصراف",
            "confirmLabel": "پایان",
        },
        "confirmRetry": {
            "header": "دوباره؟",
            "body": "مطمئن هستید که می‌خواهید دوباره امتحان کنید؟",
            "cancelLabel": "انصراف",
            "confirmLabel": "تأیید",
        },
    },
    "en": {
        "confirmCheck": {
            "header": "Finish?",
            "body": "Are you sure you want to finish?",
            "cancelLabel": "Cancel",
            "confirmLabel": "Finish",
        },
        "confirmRetry": {
            "header": "Retry?",
            "body": "Are you sure you want to try again?",
            "cancelLabel": "Cancel",
            "confirmLabel": "Confirm",
        },
    },
}

PLAYER_TEXTS = {
    "multichoice": {
        "fa": {
            "showSolutionButton": "نمایش پاسخ",
            "tryAgainButton": "دوباره",
            "checkAnswerButton": "بررسی",
            "tipsLabel": "نمایش راهنما",
            "scoreBarLabel": "شما :num امتیاز از :total گرفتید",
            "tipAvailable": "راهنما دارد",
            "feedbackAvailable": "بازخورد دارد",
            "readFeedback": "خواندن بازخورد",
            "wrongAnswer": "پاسخ نادرست",
            "correctAnswer": "پاسخ درست",
            "shouldCheck": "باید انتخاب می‌شد",
            "shouldNotCheck": "نباید انتخاب می‌شد",
            "noInput": "پیش از دیدن پاسخ، گزینه‌ای را انتخاب کنید",
        },
        "en": {
            "showSolutionButton": "Show solution",
            "tryAgainButton": "Retry",
            "checkAnswerButton": "Check",
            "tipsLabel": "Show tip",
            "scoreBarLabel": "You got :num out of :total points",
            "tipAvailable": "Tip available",
            "feedbackAvailable": "Feedback available",
            "readFeedback": "Read feedback",
            "wrongAnswer": "Wrong answer",
            "correctAnswer": "Correct answer",
            "shouldCheck": "Should have been checked",
            "shouldNotCheck": "Should not have been checked",
            "noInput": "Please answer before viewing the solution",
        },
    },
    "truefalse": {
        "fa": {
            "trueText": "درست",
            "falseText": "نادرست",
            "score": "شما @score امتیاز از @total گرفتید",
            "checkAnswer": "بررسی",
            "showSolutionButton": "نمایش پاسخ",
            "tryAgain": "دوباره",
            "wrongAnswerMessage": "پاسخ نادرست",
            "correctAnswerMessage": "پاسخ درست",
            "scoreBarLabel": "شما :num امتیاز از :total گرفتید",
        },
        "en": {
            "trueText": "True",
            "falseText": "False",
            "score": "You got @score of @total points",
            "checkAnswer": "Check",
            "showSolutionButton": "Show solution",
            "tryAgain": "Retry",
            "wrongAnswerMessage": "Wrong answer",
            "correctAnswerMessage": "Correct answer",
            "scoreBarLabel": "You got :num out of :total points",
        },
    },
    "blanks": {
        "fa": {
            "showSolutions": "نمایش پاسخ‌ها",
            "tryAgain": "دوباره",
            "checkAnswer": "بررسی",
            "notFilledOut": "لطفاً همهٔ جاهای خالی را پر کنید",
            "answerIsCorrect": "«:ans» درست است",
            "answerIsWrong": "«:ans» نادرست است",
            "answeredCorrectly": "درست پاسخ داده شد",
            "answeredIncorrectly": "نادرست پاسخ داده شد",
            "solutionLabel": "پاسخ درست:",
            "inputLabel": "جای خالی @num از @total",
            "inputHasTipLabel": "راهنما دارد",
            "tipLabel": "راهنما",
            "scoreBarLabel": "شما :num امتیاز از :total گرفتید",
        },
        "en": {
            "showSolutions": "Show solutions",
            "tryAgain": "Try again",
            "checkAnswer": "Check",
            "notFilledOut": "Please fill in all blanks",
            "answerIsCorrect": "“:ans” is correct",
            "answerIsWrong": "“:ans” is wrong",
            "answeredCorrectly": "Answered correctly",
            "answeredIncorrectly": "Answered incorrectly",
            "solutionLabel": "Correct answer:",
            "inputLabel": "Blank input @num of @total",
            "inputHasTipLabel": "Tip available",
            "tipLabel": "Tip",
            "scoreBarLabel": "You got :num out of :total points",
        },
    },
}

OVERALL = {
    "fa": ("نادرست", "تقریباً!", "درست!", "@score از @total جای خالی را درست پر کردید."),
    "en": ("Wrong", "Almost!", "Correct!", "You got @score of @total blanks correct."),
}


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "tests" / "fixtures" / "h5p"


def _paragraph(text: str) -> str:
    return text if text.lstrip().startswith("<") else f"<p>{html.escape(text)}</p>\n"


def content_json(exercise: dict, language: str) -> dict:
    """``content/content.json`` for ``exercise`` (a checked h5p block) in ``language``."""
    kind = exercise["type"]
    texts = PLAYER_TEXTS[kind][language]
    wrong, almost, right, blanks_score = OVERALL[language]
    behaviour = {
        "enableRetry": True,
        "enableSolutionsButton": True,
        "enableCheckButton": True,
        "confirmCheckDialog": False,
        "confirmRetryDialog": False,
        "autoCheck": False,
    }
    if kind == "multichoice":
        answers = exercise["answers"]
        single = sum(answer["correct"] for answer in answers) == 1
        return {
            "question": _paragraph(exercise["question"]),
            "answers": [
                {
                    "correct": answer["correct"],
                    "text": f"<div>{html.escape(answer['text'])}</div>\n",
                    "tipsAndFeedback": {
                        "tip": "",
                        "chosenFeedback": html.escape(answer.get("feedback", "")),
                        "notChosenFeedback": "",
                    },
                }
                for answer in answers
            ],
            "UI": texts,
            "behaviour": {
                **behaviour,
                "singlePoint": single,
                "randomAnswers": True,
                "showSolutionsRequiresInput": True,
                "type": "single" if single else "multi",
                "passPercentage": 100,
                "showScorePoints": True,
            },
            **CONFIRM[language],
            "overallFeedback": [
                {"from": 0, "to": 0, "feedback": wrong},
                {"from": 1, "to": 99, "feedback": almost},
                {"from": 100, "to": 100, "feedback": right},
            ],
        }
    if kind == "truefalse":
        return {
            "question": _paragraph(exercise["question"]),
            "correct": "true" if exercise["correct"] else "false",
            "media": {"disableImageZooming": False},
            "behaviour": behaviour,
            "l10n": texts,
            **CONFIRM[language],
        }
    return {
        "text": _paragraph(exercise["text"]),
        "questions": [_paragraph(sentence) for sentence in exercise["sentences"]],
        **texts,
        "behaviour": {
            **behaviour,
            "autoCheck": False,
            "caseSensitive": False,
            "showSolutionsRequiresInput": True,
            "separateLines": False,
            "acceptSpellingErrors": False,
        },
        **CONFIRM[language],
        "overallFeedback": [{"from": 0, "to": 100, "feedback": blanks_score}],
    }


def build_package(exercise: dict, language: str, *, installed: set[str]) -> bytes:
    """The ``.h5p`` file (zip bytes) of ``exercise`` in ``language``.

    ``installed`` holds the library folders (``H5P.MultiChoice-1.14``) already in the store;
    they are left out of the package.
    """
    template = fixtures_dir() / TEMPLATES[exercise["type"]]
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as package:
        metadata = json.loads(source.read("h5p.json"))
        metadata.update(title=exercise["title"], language=language, license="U")
        metadata["defaultLanguage"] = language
        package.writestr("h5p.json", json.dumps(metadata, ensure_ascii=False))
        package.writestr(
            "content/content.json", json.dumps(content_json(exercise, language), ensure_ascii=False)
        )
        for entry in source.infolist():
            folder = entry.filename.split("/", 1)[0]
            # The template's own content (and its images) is replaced, not kept.
            if "/" not in entry.filename or folder == "content" or folder in installed:
                continue
            package.writestr(entry, source.read(entry))
    return out.getvalue()
