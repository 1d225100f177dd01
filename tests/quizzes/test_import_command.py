"""``manage.py import_questions`` and ``export_questions``."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from quizzes.formats.gift import parse_gift
from quizzes.models import Question, QuestionCategory
from tests.builders import build_course
from tests.conftest import clean_env, run_manage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALL_TYPES = FIXTURES / "gift" / "all_types.txt"
MIXED_ERRORS = FIXTURES / "gift" / "mixed_errors.txt"
CONTRACT_KEYS = {"type", "name", "text", "format", "category", "general_feedback", "tags"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_reports_what_it_imported(site_tree):
    course = build_course(slug="cli", lessons=0).course
    out, err = run("import_questions", str(ALL_TYPES), "--format", "gift", "--course", course.pk)
    assert out.strip() == "Imported 17 questions into Grant's tomb, Numbers, Persian"
    assert err == ""
    assert Question.objects.filter(category__course=course, source_format="gift").count() == 17


@pytest.mark.django_db
def test_import_into_one_named_category():
    out, _err = run("import_questions", str(ALL_TYPES), "--category", "Week 1")
    assert "into Week 1" in out
    category = QuestionCategory.objects.get()
    assert category.name == "Week 1" and category.course is None
    assert category.questions.count() == 17


@pytest.mark.django_db
def test_aiken_import(tmp_path):
    out, _err = run("import_questions", str(FIXTURES / "aiken" / "sample.txt"), "--format", "aiken")
    assert out.strip() == "Imported 2 questions into Imported"
    assert set(Question.objects.values_list("type", flat=True)) == {"multichoice"}


@pytest.mark.django_db
def test_bad_file_lists_every_error_by_line_and_imports_nothing():
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_questions", str(MIXED_ERRORS), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "line 4",
        "line 8",
        "line 12",
        "line 16",
        "line 18",
        "line 20",
    ]
    assert "line 4: Could not find {...} around answers" in lines
    assert "nothing was imported" in str(error.value)
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == 0


@pytest.mark.django_db
def test_ungradable_question_fails_the_command(tmp_path):
    path = tmp_path / "half.gift"
    path.write_text("::Ok::2+2?{=4}\n\n::Half::Pick{=%50%a ~b}\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(path), "--category", "X", stdout=StringIO(), stderr=err
        )
    assert err.getvalue().strip() == "line 3: One answer must give full credit (1)."
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == 0


@pytest.mark.django_db
def test_json_prints_only_the_parsed_questions_and_still_imports():
    out, err = run("import_questions", str(ALL_TYPES), "--json")
    questions = json.loads(out)
    assert len(questions) == 17 and set(questions[0]) >= CONTRACT_KEYS
    assert questions[0]["answers"][1] == {
        "text": "Ulysses S. Grant",
        "fraction": 1.0,
        "feedback": "Correct: full name!",
    }
    assert "Imported 17 questions" in err
    assert Question.objects.count() == 17


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    out, _err = run("import_questions", str(ALL_TYPES), "--dry-run")
    assert "17 questions are ready" in out
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_and_course_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_questions", str(tmp_path / "nope.txt"))
    with pytest.raises(CommandError, match="No course page"):
        run("import_questions", str(ALL_TYPES), "--course", "999999")


@pytest.mark.django_db
def test_export_writes_a_gift_file_that_imports_again(tmp_path):
    run("import_questions", str(ALL_TYPES))
    category = QuestionCategory.objects.get(name="Numbers")
    out, _err = run("export_questions", category.pk)
    result = parse_gift(out)
    assert result.errors == [] and len(result.questions) == 7
    target = tmp_path / "numbers.gift"
    run("export_questions", category.pk, "-o", str(target))
    assert target.read_text(encoding="utf-8") == out


@pytest.mark.django_db
def test_aiken_export_names_what_it_leaves_out():
    run("import_questions", str(ALL_TYPES))
    category = QuestionCategory.objects.get(name="Persian")
    out, err = run("export_questions", category.pk, "--format", "aiken")
    assert "ANSWER: A" in out
    assert err.count("Not exported:") == 3
    with pytest.raises(CommandError, match="No question category"):
        run("export_questions", 999999)


# --------------------------------------------------------------------------- a real process


def _env(tmp_path):
    # An empty database of its own: these runs must never touch a developer's database.
    return clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    )


def test_process_exits_1_with_line_numbered_errors_on_stderr(tmp_path):
    result = run_manage("import_questions", str(MIXED_ERRORS), env=_env(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    for line in (4, 8, 12, 16, 18, 20):
        assert f"line {line}: " in result.stderr
    assert "CommandError" in result.stderr


def test_process_json_output_is_pure_json(tmp_path):
    result = run_manage(
        "import_questions", str(ALL_TYPES), "--json", "--dry-run", env=_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    questions = json.loads(result.stdout)
    assert [q["type"] for q in questions][:3] == ["multichoice", "multichoice", "truefalse"]
    assert all(set(q) >= CONTRACT_KEYS for q in questions)
    assert "پایتخت" in result.stdout  # ensure_ascii=False
    assert "Dry run" in result.stderr
