"""The Elasticsearch 8 configuration: Persian and English analysis, updates from Celery.

No cluster is needed: the settings come from a fresh process with ``ELASTICSEARCH_URL`` set,
and Wagtail's backend and mapping are built (not connected) from them. What the analysers
make of real text is checked against a cluster in ``test_elasticsearch_cluster.py``.
"""

import json

import pytest

from courses.models import LessonPage
from tests.conftest import clean_env, run_python

DUMP = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps(s.WAGTAILSEARCH_BACKENDS['default']))"
)


@pytest.fixture(scope="module")
def config() -> dict:
    env = clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        ELASTICSEARCH_URL="http://search.example:9200",
        ELASTICSEARCH_INDEX="savadtest",
    )
    result = run_python(DUMP, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_backend_is_elasticsearch_8_updated_from_celery(config):
    assert config["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert config["URLS"] == ["http://search.example:9200"]
    assert config["INDEX_PREFIX"] == "savadtest_"
    assert config["AUTO_UPDATE"] is False  # Wagtail's in-request handlers skip it ...
    assert config["UPDATE_ON_CELERY"] is True  # ... search/receivers.py queues a task instead


def test_the_default_analyser_folds_persian_and_stems_english(config):
    analysis = config["INDEX_SETTINGS"]["settings"]["analysis"]
    default = analysis["analyzer"]["default"]
    assert default["tokenizer"] == "standard"
    assert default["char_filter"] == ["savad_zwnj"]
    assert default["filter"] == [
        "lowercase",
        "decimal_digit",
        "arabic_normalization",
        "persian_normalization",
        "savad_english_stemmer",
    ]
    # ZWNJ (and ZWJ, soft hyphen) join a compound's parts, as core.text.search_query does
    zwnj = analysis["char_filter"]["savad_zwnj"]
    assert zwnj == {"type": "mapping", "mappings": ["\\u200C=>", "\\u200D=>", "\\u00AD=>"]}
    stemmer = analysis["filter"]["savad_english_stemmer"]
    assert stemmer == {"type": "stemmer", "language": "minimal_english"}


def test_wagtails_backend_merges_the_analysis_into_its_own(config):
    from wagtail.search.backends.elasticsearch8 import Elasticsearch8SearchBackend

    params = {key: value for key, value in config.items() if key != "BACKEND"}
    backend = Elasticsearch8SearchBackend(params)  # builds a client; connects to nothing
    analysis = backend.settings["settings"]["analysis"]
    assert set(analysis["analyzer"]) == {"default", "ngram_analyzer", "edgengram_analyzer"}
    assert analysis["char_filter"]["savad_zwnj"]["type"] == "mapping"
    assert "edgengram" in analysis["filter"] and "savad_english_stemmer" in analysis["filter"]
    index = backend.get_index_for_model(LessonPage)
    assert index.name == "savadtest_wagtailcore_page"


def test_the_mapping_indexes_the_folded_text_with_the_default_analyser():
    from wagtail.search.backends.elasticsearch8 import Elasticsearch8Mapping

    mapping = Elasticsearch8Mapping(LessonPage).get_mapping()["properties"]
    search_text = mapping["core_savadpage__search_text"]
    assert search_text["type"] == "text"
    assert "analyzer" not in search_text  # the index's default: the Persian/English chain
    title = mapping["core_savadpage__search_title_edgengrams"]
    assert title["analyzer"] == "edgengram_analyzer"


def test_a_bad_url_is_refused():
    result = run_python(
        DUMP,
        env=clean_env(DJANGO_SETTINGS_MODULE="lms.settings.dev", ELASTICSEARCH_URL="search:9200"),
    )
    assert result.returncode != 0
    assert "ELASTICSEARCH_URL must be an http(s) URL" in result.stderr
