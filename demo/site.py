"""Demo site tree and accounts for ``manage.py seed_demo``. Every step is idempotent."""

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Locale, Page, Site

from accounts.models import User
from competences.models import Competence
from core.models import HomePage
from courses.services import TEACHERS_GROUP, ensure_roles
from demo.content import seed_h5p
from demo.courses import seed_catalogues, seed_courses
from demo.curriculum import load_curriculum
from demo.quizzes import seed_quiz
from demo.simulations import seed_simulations


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    display_name: str
    email: str
    language: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "learner", "learner", "savad-learner-demo", "سارا احمدی", "learner@example.org", "fa"
    ),
    DemoAccount(
        "teacher", "teacher", "savad-teacher-demo", "Reza Karimi", "teacher@example.org", "en"
    ),
    DemoAccount("admin", "admin", "savad-admin-demo", "Admin", "admin@example.org", "fa"),
)

HOME_CONTENT = {
    "fa": {
        "title": "سواد",
        "intro": "مهارت‌های دیجیتال را گام به گام بیاموزید: از کار با تلفن همراه تا پرداخت "
        "قبض و ثبت‌نام در خدمات دولت الکترونیک.",
    },
    "en": {
        "title": "Savad",
        "intro": "Learn digital skills step by step: from using a phone to paying bills and "
        "registering for online government services.",
    },
}


@dataclass
class SeedReport:
    changes: list[str] = field(default_factory=list)


@transaction.atomic
def seed(*, courses: bool = True, curriculum: bool = True) -> SeedReport:
    """Site tree and demo accounts; with ``courses``, the demo courses too, and with
    ``curriculum`` as well the curriculum's courses (``content/curriculum/``)."""
    report = SeedReport()
    locales = {code: _ensure_locale(code, report) for code in ("fa", "en")}
    home = _ensure_home(locales, report)
    _ensure_site(home, report)
    _ensure_groups(report)
    for account in DEMO_ACCOUNTS:
        _ensure_account(account, report)
    english_home = HomePage.objects.get(translation_key=home.translation_key, locale=locales["en"])
    homes = {"fa": home, "en": english_home}
    catalogues = seed_catalogues(homes=homes, report=report)
    if courses:
        _ensure_digcomp(report)
        seed_courses(catalogues=catalogues, report=report)
        seed_quiz(report)
        seed_h5p(report)
        seed_simulations(report)
        if curriculum:
            load_curriculum(catalogues=catalogues, report=report)
    return report


def _ensure_digcomp(report: SeedReport) -> None:
    """The DigComp 2.2 framework the courses are mapped to. Its migration loads it; a database
    emptied since (a test's flush) gets it again from that same migration's loader."""
    if Competence.objects.exists():
        return
    migration = importlib.import_module("competences.migrations.0002_load_digcomp_2_2")
    migration.load_digcomp(apps, None)
    report.changes.append("loaded the DigComp 2.2 competences")


def _ensure_locale(code: str, report: SeedReport) -> Locale:
    locale, created = Locale.objects.get_or_create(language_code=code)
    if created:
        report.changes.append(f"created locale {code}")
    return locale


def _ensure_home(locales: dict[str, Locale], report: SeedReport) -> HomePage:
    """A Persian home page under the tree root and its English translation."""
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locales["fa"])
    )
    home = HomePage.objects.filter(locale=locales["fa"], depth=root.depth + 1).first()
    if home is None:
        content = HOME_CONTENT["fa"]
        home = HomePage(
            title=content["title"], intro=content["intro"], slug="home-fa", locale=locales["fa"]
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        report.changes.append("created the Persian home page")
    if not home.has_translation(locales["en"]):
        english = home.copy_for_translation(locales["en"])
        content = HOME_CONTENT["en"]
        english.title, english.intro, english.slug = content["title"], content["intro"], "home-en"
        english.save_revision().publish()
        report.changes.append("created the English home page")
    # Wagtail's initial "Welcome" page is replaced by ours.
    for welcome in Page.objects.filter(depth=root.depth + 1, content_type__model="page"):
        welcome.delete()
        report.changes.append("removed Wagtail's placeholder welcome page")
    return home


def _ensure_site(home: HomePage, report: SeedReport) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Savad"
        )
        report.changes.append("created the default site")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Savad"
        site.save()
        report.changes.append("pointed the default site at the home page")


def _ensure_groups(report: SeedReport) -> None:
    if not Group.objects.filter(name=TEACHERS_GROUP).exists():
        report.changes.append(f"created the {TEACHERS_GROUP} group")
    ensure_roles()


def _ensure_account(account: DemoAccount, report: SeedReport) -> None:
    if User.objects.filter(username=account.username).exists():
        return
    user = User(
        username=account.username,
        display_name=account.display_name,
        email=account.email,
        preferred_language=account.language,
        is_staff=account.role == "admin",
        is_superuser=account.role == "admin",
    )
    user.set_password(account.password)
    user.save()
    if account.role == "teacher":
        user.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    report.changes.append(f"created the demo {account.role} account")
