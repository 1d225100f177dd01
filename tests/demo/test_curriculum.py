"""The curriculum files (``content/curriculum/``) load into real courses, atomically and once."""

import json
import re
import shutil
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils.html import escape
from wagtail.models import Page, Revision

from content.models import H5PPackage
from courses.models import CatalogueIndexPage, CoursePage, LessonPage
from courses.services import enrol
from demo import site as demo
from demo.curriculum import CurriculumError, curriculum_dir, load_curriculum, read_curriculum
from quizzes.models import Question, QuizPage

PERSIAN = re.compile(r"[\u0600-\u06FF]")
FILES = sorted(curriculum_dir().glob("*.json"))
SPECS = [json.loads(path.read_text(encoding="utf-8")) for path in FILES]


@pytest.fixture(scope="module")
def seeded(module_db):
    """The whole demo seed, curriculum included, built once for the module."""
    return demo.seed()


def catalogues() -> dict[str, Page]:
    return {
        page.locale.language_code: page
        for page in CatalogueIndexPage.objects.select_related("locale")
    }


def snapshot() -> dict:
    return {
        "pages": sorted(Page.objects.values_list("pk", "title", "live", "latest_revision_id")),
        "revisions": Revision.objects.count(),
        "packages": H5PPackage.objects.count(),
        "questions": Question.objects.count(),
    }


def test_the_curriculum_has_the_five_courses_of_the_issue():
    assert [spec["slug"] for spec in SPECS] == [
        "device-basics",
        "internet-and-email",
        "safe-online",
        "government-e-services",
        "reliable-information",
    ]


@pytest.mark.parametrize("spec", SPECS, ids=[spec["slug"] for spec in SPECS])
def test_each_course_is_published_in_persian_and_english_as_translations(seeded, spec):
    pages = {
        page.locale.language_code: page
        for page in CoursePage.objects.filter(slug=spec["slug"]).select_related("locale")
    }
    assert set(pages) == {"fa", "en"}
    fa, en = pages["fa"], pages["en"]
    assert fa.live and en.live
    assert fa.translation_key == en.translation_key
    assert (fa.title, en.title) == (spec["fa"]["title"], spec["en"]["title"])
    assert PERSIAN.search(fa.summary) and not PERSIAN.search(en.summary)
    for page in (fa, en):
        codes = sorted(page.competences.values_list("code", flat=True))
        assert codes == sorted(spec["competences"]) and codes  # mapped to DigComp 2.2


@pytest.mark.parametrize("spec", SPECS, ids=[spec["slug"] for spec in SPECS])
def test_each_course_has_four_rich_lessons_and_an_eight_question_quiz_per_language(seeded, spec):
    for code in ("fa", "en"):
        course = CoursePage.objects.get(slug=spec["slug"], locale__language_code=code)
        lessons = LessonPage.objects.child_of(course).live()
        assert [lesson.slug for lesson in lessons] == [item["slug"] for item in spec["lessons"]]
        assert len(lessons) >= 4
        for lesson in lessons:
            kinds = {block.block_type for block in lesson.body}
            assert {"heading", "text"} <= kinds
            assert kinds & {"callout", "steps", "key_points"}, lesson.title
            text = " ".join(str(block.value) for block in lesson.body if block.block_type == "text")
            assert bool(PERSIAN.search(text)) == (code == "fa"), lesson.title
        quiz = QuizPage.objects.child_of(course).live().get()
        questions = [slot.question for slot in quiz.slots.select_related("question")]
        assert len(questions) >= 8
        assert len({question.type for question in questions}) >= 4  # mixed types
        assert all(bool(PERSIAN.search(q.text)) == (code == "fa") for q in questions)
    fa_quiz = QuizPage.objects.get(slug=spec["quiz"]["slug"], locale__language_code="fa")
    en_quiz = QuizPage.objects.get(slug=spec["quiz"]["slug"], locale__language_code="en")
    assert fa_quiz.translation_key == en_quiz.translation_key


def test_every_h5p_exercise_is_a_ready_package_in_its_lessons_language(seeded):
    slugs = [spec["slug"] for spec in SPECS]
    checked = {"fa": 0, "en": 0}
    for lesson in LessonPage.objects.filter(
        pk__in=[page.pk for slug in slugs for page in _lessons(slug)]
    ).select_related("locale"):
        code = lesson.locale.language_code
        course = CoursePage.objects.ancestor_of(lesson).get()
        for block in lesson.body:
            if block.block_type != "h5p":
                continue
            package = block.value["package"]
            assert package.is_ready
            assert package.course_id == course.pk
            assert package.uploaded_by.username == "teacher"
            assert package.h5p_json["language"] == code
            assert package.h5p_json["title"] == block.value["title"] == package.title
            with default_storage.open(f"{package.content_dir}/content/content.json") as handle:
                content = handle.read().decode()
            assert bool(PERSIAN.search(content)) == (code == "fa")
            checked[code] += 1
    # At least one exercise per course in each language.
    assert checked["fa"] == checked["en"] >= len(SPECS)


def _lessons(course_slug):
    for course in CoursePage.objects.filter(slug=course_slug):
        yield from LessonPage.objects.descendant_of(course)


def test_every_lesson_and_quiz_page_opens_for_an_enrolled_learner(seeded, client):
    learner = get_user_model().objects.get(username="learner")
    client.force_login(learner)
    for spec in SPECS:
        for code in ("fa", "en"):
            course = CoursePage.objects.get(slug=spec["slug"], locale__language_code=code)
            enrol(user=learner, course=course)
            for child in course.get_children().live().specific():
                response = client.get(child.url)
                assert response.status_code == 200, child.url
                html = response.content.decode()
                assert child.title in html or escape(child.title) in html
                assert f'lang="{code}"' in html


def test_loading_again_changes_nothing(seeded):
    before = snapshot()
    report = demo.SeedReport()
    load_curriculum(catalogues=catalogues(), report=report)
    assert report.changes == []
    assert snapshot() == before


# --- Malformed files ---------------------------------------------------------------------------


def _write(directory, name, spec):
    (directory / name).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def bad_dir(tmp_path):
    """A copy of the first course file (valid) beside which a test writes a broken one."""
    shutil.copy(FILES[0], tmp_path / FILES[0].name)
    return tmp_path


def _broken_copy(spec_index: int = 1) -> dict:
    return json.loads(json.dumps(SPECS[spec_index]))


@pytest.mark.sqlite
def test_a_malformed_file_names_file_course_and_lesson_and_nothing_is_created(site_tree, bad_dir):
    spec = _broken_copy()
    del spec["lessons"][2]["fa"]["title"]
    _write(bad_dir, "zz-broken.json", spec)
    before = snapshot()
    with pytest.raises(CurriculumError) as error:
        load_curriculum(catalogues=catalogues(), report=demo.SeedReport(), directory=bad_dir)
    lesson = spec["lessons"][2]["slug"]
    assert str(error.value) == (
        f"zz-broken.json: course “{spec['slug']}”: lesson “{lesson}” (fa): missing title"
    )
    # The valid file beside it was not loaded either.
    assert snapshot() == before
    assert not CoursePage.objects.filter(slug=SPECS[0]["slug"]).exists()


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda s: s.update(competences=["9.9"]), "unknown DigComp competence(s) 9.9"),
        (lambda s: s.update(lessons=s["lessons"][:3]), "needs at least 4 lessons"),
        (
            lambda s: s["lessons"][0]["en"]["body"].append({"video": "x"}),
            "block 11: unknown block “video”",
        ),
        (lambda s: s["quiz"]["en"].update(gift=s["quiz"]["en"]["gift"][:7]), "quiz: en: needs"),
        (
            lambda s: s["quiz"]["fa"]["gift"].__setitem__(0, "::x:: broken {=a"),
            "quiz: fa: GIFT: line",
        ),
        (
            lambda s: s["lessons"][0]["fa"]["body"].append(
                {"h5p": {"type": "truefalse", "title": "t", "question": "q"}}
            ),
            "(fa): block 11: missing correct",
        ),
    ],
    ids=["competence", "lessons", "block", "questions", "gift", "h5p"],
)
def test_each_kind_of_mistake_is_reported_where_it_is(bad_dir, db, breakage, message):
    spec = _broken_copy(1)
    breakage(spec)
    _write(bad_dir, "zz-broken.json", spec)
    with pytest.raises(CurriculumError, match=re.escape(message)) as error:
        read_curriculum(bad_dir)
    assert str(error.value).startswith(f"zz-broken.json: course “{spec['slug']}”")


@pytest.mark.sqlite
def test_a_file_that_is_not_json_is_reported_by_name(bad_dir, db):
    (bad_dir / "zz-broken.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(CurriculumError, match=r"^zz-broken\.json: not readable JSON"):
        read_curriculum(bad_dir)


@pytest.mark.sqlite
def test_two_files_may_not_share_a_course_slug(bad_dir, db):
    shutil.copy(FILES[0], bad_dir / "zz-copy.json")
    with pytest.raises(CurriculumError, match="slug already used by 01-"):
        read_curriculum(bad_dir)


@pytest.mark.sqlite
def test_a_refused_h5p_package_undoes_the_whole_load(site_tree, bad_dir, tmp_path, monkeypatch):
    """The files are well formed, but the third lesson's exercise is refused by the H5P import
    (its library is nowhere): the error names the lesson, and the pages and packages made
    before it are gone too."""
    from demo.curriculum import h5p

    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("multichoice.h5p", "truefalse-hello-world.h5p"):
        shutil.copy(h5p.fixtures_dir() / name, templates / name)
    with zipfile.ZipFile(templates / "blanks.h5p", "w") as broken:
        metadata = {
            "title": "x",
            "language": "und",
            "mainLibrary": "H5P.Nowhere",
            "embedTypes": ["div"],
            "preloadedDependencies": [
                {"machineName": "H5P.Nowhere", "majorVersion": 1, "minorVersion": 0}
            ],
        }
        broken.writestr("h5p.json", json.dumps(metadata))
        broken.writestr("content/content.json", "{}")
    monkeypatch.setattr(h5p, "fixtures_dir", lambda: templates)
    before = snapshot()
    with pytest.raises(CurriculumError) as error:
        load_curriculum(catalogues=catalogues(), report=demo.SeedReport(), directory=bad_dir)
    assert str(error.value).startswith(
        f"{FILES[0].name}: course “device-basics”, lesson “settings-and-accessibility” (fa): "
    )
    assert snapshot() == before
    assert not CoursePage.objects.filter(slug="device-basics").exists()


def test_the_demo_practice_lesson_speaks_each_lessons_language(seeded):
    from demo.content import LESSON_SLUG

    lessons = LessonPage.objects.filter(slug=LESSON_SLUG).select_related("locale")
    assert sorted(lesson.locale.language_code for lesson in lessons) == ["en", "fa"]
    for lesson in lessons:
        code = lesson.locale.language_code
        packages = [block.value["package"] for block in lesson.body if block.block_type == "h5p"]
        assert len(packages) == 2
        for package in packages:
            assert package.is_ready and package.h5p_json["language"] == code
            with default_storage.open(f"{package.content_dir}/content/content.json") as handle:
                assert bool(PERSIAN.search(handle.read().decode())) == (code == "fa")


def test_curriculum_texts_keep_their_markup_and_show_no_tags(seeded):
    slugs = [spec["slug"] for spec in SPECS]
    bold = 0
    for lesson in LessonPage.objects.filter(
        pk__in=[page.pk for slug in slugs for page in _lessons(slug)]
    ):
        rendered = str(lesson.body.render_as_block())
        assert "&lt;" not in rendered, (lesson.slug, rendered[:300])
        bold += rendered.count("<b>")
    assert bold >= 100  # the files' <b> emphasis arrives as emphasis
