"""content.json of H5P question types, in the shapes the libraries' editors save them.

MultiChoice and TrueFalse come from the real packages in ``tests/fixtures/h5p``; Blanks and the
QuestionSet wrapper are trimmed from the H5P Hub examples (``/work/shared/fixtures/h5p``,
see SOURCES.md there); DragText, MarkTheWords and SingleChoiceSet are written here after their
semantics (``textField`` with ``*answers*``, ``choices[].answers`` with the right one first).
"""

import copy
import json
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from content.models import H5PPackage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "h5p"


def from_fixture(name: str) -> dict:
    with zipfile.ZipFile(FIXTURES / name) as archive:
        return json.loads(archive.read("content/content.json"))


MULTICHOICE = from_fixture("multichoice.h5p")  # answer 0 "Very dark purple" is the right one
TRUEFALSE = from_fixture("truefalse-hello-world.h5p")  # "Is this false?" → false

BLANKS = {
    "text": "<p>Insert the missing words in this text about berries.</p>\n",
    "questions": [
        "<p>Bilberries <em>(Vaccinium myrtillus)</em>,&nbsp;also known as *blue*berries are "
        "edible.</p>\n",
        "<p>*Cloud*berries <em>(Rubus chamaemorus)</em>&nbsp;are edible orange berries.</p>\n",
        "<p>Its black colored relative is *black*currant.&nbsp;</p>\n",
    ],
    "behaviour": {
        "enableSolutionsButton": True,
        "autoCheck": True,
        "caseSensitive": False,
        "showSolutionsRequiresInput": True,
        "separateLines": False,
        "enableRetry": True,
        "confirmCheckDialog": False,
        "confirmRetryDialog": False,
        "acceptSpellingErrors": False,
        "enableCheckButton": True,
    },
    "overallFeedback": [{"from": 0, "to": 100, "feedback": "You got @score of @total."}],
}

BLANKS_FA = {
    "text": "<p>جای خالی را پر کنید.</p>",
    "questions": [
        "<p>برای ذخیرهٔ فایل کلید *Ctrl+S/کنترل اس:میان‌بر* را می‌زنیم.</p>",
        "<p>مرورگر *فایرفاکس* یک نرم‌افزار آزاد است و *۱۲* ماه در سال به‌روز می‌شود.</p>",
    ],
    "behaviour": {"caseSensitive": True, "acceptSpellingErrors": False},
}

DRAGTEXT = {
    "taskDescription": "Drag the words into the correct boxes",
    "textField": "Oslo is the capital of *Norway*.\n"
    "Stockholm is the capital of *Sweden:A neighbour*.\n"
    "تهران پایتخت *ایران* است.",
    "overallFeedback": [{"from": 0, "to": 100}],
    "checkAnswer": "Check",
    "behaviour": {
        "enableRetry": True,
        "enableSolutionsButton": True,
        "enableCheckButton": True,
        "instantFeedback": False,
    },
}

MARK_THE_WORDS = {
    "taskDescription": "<p>Click the verbs.</p>",
    "textField": "<p>The cat *sat* on the mat and *purred*.</p>\n<p>Dogs *bark*, birds sing.</p>",
    "overallFeedback": [{"from": 0, "to": 100}],
    "behaviour": {"enableRetry": True, "enableSolutionsButton": True, "enableCheckButton": True},
}

SINGLE_CHOICE_SET = {
    "choices": [
        {
            "question": "<p>2 + 2 = ?</p>",
            "answers": ["<p>4</p>", "<p>3</p>", "<p>5</p>"],
            "subContentId": "c1a1a1a1-0000-4000-8000-000000000001",
        },
        {
            "question": "<p>پایتخت ایران؟</p>",
            "answers": ["<p>تهران</p>", "<p>اصفهان</p>"],
            "subContentId": "c1a1a1a1-0000-4000-8000-000000000002",
        },
    ],
    "overallFeedback": [{"from": 0, "to": 100}],
    "behaviour": {
        "autoContinue": True,
        "timeoutCorrect": 2000,
        "timeoutWrong": 3000,
        "soundEffectsEnabled": True,
        "enableRetry": True,
        "enableSolutionsButton": True,
        "passPercentage": 100,
    },
}

QS_MULTICHOICE = "dc24f82e-b506-4924-a3e7-c985f9cf8194"
QS_BLANKS = "78c1419b-7b9a-40cf-aa56-ef4abd3e728b"
QS_TRUEFALSE = "e0c46024-cdc0-4687-b02d-40ec1db2ef67"
QS_DRAG_QUESTION = "43780850-0e51-4f64-9549-146edc41c08d"


def _question(library: str, params: dict, sub_content_id: str) -> dict:
    return {
        "params": copy.deepcopy(params),
        "library": library,
        "metadata": {"contentType": library.split(" ")[0], "license": "U"},
        "subContentId": sub_content_id,
    }


def question_set(*, with_drag_question: bool = False, pass_percentage: int = 50) -> dict:
    """The Hub example's QuestionSet with real questions (MultiChoice, Blanks, TrueFalse)."""
    questions = [
        _question("H5P.MultiChoice 1.14", MULTICHOICE, QS_MULTICHOICE),
        _question("H5P.Blanks 1.12", BLANKS, QS_BLANKS),
        _question("H5P.TrueFalse 1.6", TRUEFALSE, QS_TRUEFALSE),
    ]
    if with_drag_question:
        questions.insert(1, _question("H5P.DragQuestion 1.13", {"question": {}}, QS_DRAG_QUESTION))
    return {
        "introPage": {"showIntroPage": False, "startButtonText": "Start Quiz"},
        "progressType": "dots",
        "passPercentage": pass_percentage,
        "questions": questions,
        "disableBackwardsNavigation": False,
        "randomQuestions": False,
        "endGame": {"showResultPage": True, "showSolutionButton": True},
        "override": {"checkButton": True},
    }


def store_package(content: dict, main_library: str, title: str = "") -> H5PPackage:
    """A ready package whose stored content.json is ``content``."""
    package = H5PPackage.objects.create(
        title=title or main_library,
        status=H5PPackage.Status.READY,
        main_library=main_library,
        h5p_json={"title": title or main_library, "mainLibrary": main_library.split(" ")[0]},
    )
    default_storage.save(
        f"{package.content_dir}/content/content.json",
        ContentFile(json.dumps(content, ensure_ascii=False).encode()),
    )
    return package
