"""Search on a real Elasticsearch 8 cluster: run only when ``ELASTICSEARCH_URL`` is set.

    docker compose up -d elasticsearch
    ELASTICSEARCH_URL=http://127.0.0.1:9200 pytest tests/search/test_elasticsearch_cluster.py

Each test works in indexes of its own (a random prefix) and deletes them afterwards. The rest
of the suite searches the database whatever ``ELASTICSEARCH_URL`` says (lms/settings/test.py).
"""

import io
import os
import uuid

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from lms.settings.env import search_backends_from_env
from search.selectors import search_pages
from tests.search.corpus import build_corpus
from tests.search.test_persian import VARIANTS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="needs a cluster: set ELASTICSEARCH_URL (docker compose up -d elasticsearch)",
    ),
]


@pytest.fixture
def cluster(settings):
    config = search_backends_from_env()["default"]
    prefix = f"savadtest{uuid.uuid4().hex[:10]}_"
    config["INDEX_PREFIX"] = prefix
    settings.WAGTAILSEARCH_BACKENDS = {"default": config}
    backend = get_search_backend("default")
    yield backend
    backend.es.indices.delete(index=f"{prefix}*", ignore_unavailable=True)


def _tokens(backend, index_name: str, text: str) -> list[str]:
    answer = backend.es.indices.analyze(index=index_name, analyzer="default", text=text)
    return [token["token"] for token in answer["tokens"]]


@pytest.mark.parametrize(
    ("canonical", "variants"),
    [
        ("گوشی", ["گوشي", "گوشى", "گوشـــی", "گُوشی"]),
        ("کارت", ["كارت"]),
        ("یک", ["يك", "يک"]),
        ("حسابها", ["حساب‌ها"]),  # the ZWNJ char filter joins the parts
        ("123", ["۱۲۳", "١٢٣"]),
        ("امنیت", ["أمنیت", "إمنیت", "آمنیت"]),
        ("فاطمه", ["فاطمة"]),
        ("payment", ["payments", "Payments"]),
    ],
)
def test_the_analyser_folds_every_spelling_alike(cluster, canonical, variants):
    index = cluster.get_index_for_model(Page)
    index.put()
    expected = _tokens(cluster, index.name, canonical)
    assert expected
    for variant in variants:
        assert _tokens(cluster, index.name, variant) == expected, variant


@pytest.mark.parametrize(("canonical", "variants", "expected"), VARIANTS)
def test_every_spelling_finds_what_the_canonical_one_finds(cluster, canonical, variants, expected):
    corpus = build_corpus()
    call_command("update_index", stdout=io.StringIO())
    cluster.get_index_for_model(Page).refresh()
    names = {page.pk: name for name, page in corpus.pages.items()}
    fa = Locale.objects.get(language_code="fa")

    def found(query):
        pages = search_pages(query, locale=fa, user=corpus.admin)
        return {names.get(page.pk, page.title) for page in pages}

    assert found(canonical) == expected
    for variant in variants:
        assert found(variant) == expected, variant
