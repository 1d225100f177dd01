import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from competences.models import Competence, CompetenceArea

pytestmark = pytest.mark.django_db

DIGCOMP_CODES = [
    "1.1", "1.2", "1.3",
    "2.1", "2.2", "2.3", "2.4", "2.5", "2.6",
    "3.1", "3.2", "3.3", "3.4",
    "4.1", "4.2", "4.3", "4.4",
    "5.1", "5.2", "5.3", "5.4",
]  # fmt: skip

PERSIAN_LETTERS = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
ARABIC_YEH_AND_KAF = re.compile("[\u064a\u0643]")  # ي and ك, which Persian writes as ی and ک


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser(
        username="digcomp-admin", email="digcomp-admin@example.org", password="not-used-here"
    )
    client.force_login(admin)
    return client


def test_migration_loads_the_five_areas_and_21_competences():
    assert list(CompetenceArea.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert list(Competence.objects.values_list("code", flat=True)) == DIGCOMP_CODES
    assert CompetenceArea.objects.get(number=1).name_en == "Information and data literacy"
    assert Competence.objects.get(code="2.5").name_en == "Netiquette"
    for competence in Competence.objects.select_related("area"):
        area_number, position = competence.code.split(".")
        assert competence.area.number == int(area_number)
        assert competence.position == int(position)


def test_every_persian_name_is_written_in_persian_letters():
    names = list(CompetenceArea.objects.values_list("name_fa", flat=True))
    names += list(Competence.objects.values_list("name_fa", flat=True))
    assert len(names) == 26
    for name in names:
        assert name.strip()
        assert PERSIAN_LETTERS.search(name), name
        assert not ARABIC_YEH_AND_KAF.search(name), name


def test_name_follows_the_active_language():
    area = CompetenceArea.objects.get(number=4)
    competence = Competence.objects.get(code="4.2")
    with translation.override("fa"):
        assert area.name == area.name_fa == "ایمنی"
        assert competence.name == competence.name_fa
        assert str(competence) == f"4.2 {competence.name_fa}"
    with translation.override("en"):
        assert area.name == "Safety"
        assert competence.name == "Protecting personal data and privacy"
        assert str(area) == "4 Safety"


def test_position_comes_from_the_code_and_the_code_must_match_the_area():
    area = CompetenceArea.objects.get(number=5)
    extra = Competence.objects.create(area=area, code="5.12", name_en="Extra", name_fa="افزوده")
    assert extra.position == 12
    assert list(area.competences.values_list("code", flat=True))[-1] == "5.12"
    with pytest.raises(ValidationError):
        Competence(area=area, code="4.9", name_en="Wrong", name_fa="نادرست").full_clean()


def test_competence_listing_loads_in_the_admin(admin_client):
    response = admin_client.get(reverse("wagtailsnippets_competences_competence:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Protecting personal data and privacy" in body
    assert "Netiquette" in body


def test_area_listing_loads_in_the_admin(admin_client):
    response = admin_client.get(reverse("wagtailsnippets_competences_competencearea:list"))
    assert response.status_code == 200
    assert "Information and data literacy" in response.content.decode()


def test_admin_search_finds_a_competence(admin_client):
    url = reverse("wagtailsnippets_competences_competence:list")
    body = admin_client.get(url, {"q": "netiquette"}).content.decode()
    assert "Netiquette" in body
    assert "Programming" not in body
    persian = admin_client.get(url, {"q": "برنامه‌نویسی"}).content.decode()
    assert "Programming" in persian
    assert "Netiquette" not in persian


def test_admin_listing_filters_by_area(admin_client):
    safety = CompetenceArea.objects.get(number=4)
    url = reverse("wagtailsnippets_competences_competence:list")
    body = admin_client.get(url, {"area": safety.pk}).content.decode()
    assert "Protecting devices" in body
    assert "Netiquette" not in body
