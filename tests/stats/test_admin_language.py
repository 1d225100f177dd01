"""The reports speak the admin's language (their Wagtail profile), also where Wagtail would
answer in the browser's: a streamed CSV file, and the message of a refused report."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from accounts.models import User
from stats.views import in_view_locale

pytestmark = pytest.mark.django_db


def fa(message: str) -> str:
    with translation.override("fa"):
        return translation.gettext(message)


def persian_admin(client, world, name):
    """An admin whose profile says Persian, in a browser that asks for English."""
    user = User.objects.get(pk=world.users[name])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fa"
    profile.save()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_streamed_csv_export_is_in_the_admins_language(client, stats_world):
    client = persian_admin(client, stats_world, "superuser")
    response = client.get(reverse("stats:learners"), {"q": "u7@", "export": "csv"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    heading, row = list(csv.reader(io.StringIO(text)))
    assert heading[:2] == [fa("Name"), fa("E-mail")]
    assert heading[5] == fa("Progress (%)")
    assert row[6] == fa("Completed")


def test_a_refused_report_says_so_in_the_admins_language(client, stats_world):
    client = persian_admin(client, stats_world, "teacher_c")
    funnel = reverse("stats:funnel", args=[stats_world.course_a.translation_key])
    response = client.get(funnel)
    assert response["Location"] == reverse("wagtailadmin_home")
    told = [str(m).strip() for m in get_messages(response.wsgi_request)]
    assert told == [fa("Sorry, you do not have permission to access this area.")]


def test_in_view_locale_keeps_the_language_it_was_made_in():
    def lines():
        yield translation.get_language()
        yield translation.get_language()

    with translation.override("fa"):
        read = in_view_locale(lines())
    with translation.override("en"):
        assert list(read) == ["fa", "fa"]
