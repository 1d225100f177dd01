import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Page, PageLogEntry, Revision, Site

from accounts.models import User
from core.models import HomePage
from demo.site import DEMO_ACCOUNTS

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "password")),
        "pages": sorted(Page.objects.values_list("pk", "title", "locale__language_code", "live")),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "site_root": Site.objects.get(is_default_site=True).root_page_id,
    }


@override_settings(DEBUG=False)
def test_refuses_without_force_when_debug_is_off():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_creates_tree_and_accounts_then_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert f"username: {account.username}" in out
        assert f"password: {account.password}" in out
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="teacher").groups.filter(name="Teachers").exists()
    homes = HomePage.objects.live()
    assert sorted(homes.values_list("locale__language_code", flat=True)) == ["en", "fa"]
    fa_home = homes.get(locale__language_code="fa")
    assert Site.objects.get(is_default_site=True).root_page_id == fa_home.pk
    assert homes.get(locale__language_code="en").translation_key == fa_home.translation_key
    # The demo's H5P packages belong to their lesson's course and to the demo teacher (the
    # curriculum's too: tests/demo/test_curriculum.py checks them further).
    from content.models import H5PPackage
    from content.roles import can_use_package

    teacher = User.objects.get(username="teacher")
    packages = list(H5PPackage.objects.select_related("course"))
    assert [p.course.slug for p in packages].count("your-phone") == 4  # 2 exercises × fa, en
    for package in packages:
        assert (package.uploaded_by, package.is_ready) == (teacher, True)
        assert can_use_package(teacher, package)

    before = snapshot()
    call_command("seed_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert snapshot() == before


@override_settings(DEBUG=False)
def test_force_runs_with_debug_off():
    call_command("seed_demo", "--force")
    assert User.objects.filter(username__in=["learner", "teacher", "admin"]).count() == 3
