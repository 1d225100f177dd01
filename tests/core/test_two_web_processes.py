"""Two web processes that share nothing but the services (PostgreSQL, the S3 bucket): a file
uploaded through one is downloaded through the other.

Both are gunicorn processes on ports of their own, with this test's database (committed data,
``transaction=True``) and a bucket of moto's S3 server; each has its own temporary MEDIA_ROOT,
which neither uses.
"""

import re
import sys
import urllib.error
import urllib.request

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection

from tests.conftest import clean_env
from tests.core.test_broker_outage import Process, wait_for
from tests.s3 import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def start_web(env: dict, tmp_path, name: str) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        env=env,
        log_path=tmp_path / f"{name}.log",
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:  # noqa: S310
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    try:
        wait_for(up, seconds=180, what=f"{name} to serve", log=process.log_tail)
    except BaseException:
        process.stop()
        raise
    return process, base


@pytest.fixture
def two_sites(shared_database, site_tree, object_storage, s3_server, tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=shared_database,
        **s3_server.environment(object_storage),
    )
    started = []
    try:
        for name in ("web-1", "web-2"):
            started.append(start_web(env, tmp_path, name))
        yield started
    finally:
        for process, _base in started:
            process.stop()


def test_a_document_uploaded_through_one_process_downloads_through_the_other(
    two_sites, object_storage, s3_server
):
    (web_1, first), (web_2, second) = two_sites

    def logs() -> str:
        return web_1.log_tail() + "\n" + web_2.log_tail()

    # A flush by an earlier transaction=True test takes the root collection with it.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    admin = get_user_model().objects.create_superuser(
        username="scale-admin", email="scale-admin@example.org", password="x"
    )
    login = Client()
    login.force_login(admin)  # a session row in the shared database
    browser = requests.Session()
    browser.cookies.set("sessionid", login.cookies["sessionid"].value)

    form = browser.get(f"{first}/admin/documents/add/", timeout=60)
    assert form.status_code == 200, logs()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    data = b"Savad at scale: one bucket, two web processes.\n"
    response = browser.post(
        f"{first}/admin/documents/add/",
        data={
            "csrfmiddlewaretoken": token,
            "title": "Scale notes",
            "collection": Collection.get_first_root_node().pk,
        },
        files={"file": ("scale-notes.txt", data, "text/plain")},
        headers={"Referer": f"{first}/admin/documents/add/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000] + logs()

    document = get_document_model().objects.get(title="Scale notes")
    assert s3_server.keys(object_storage) == [document.file.name]
    answer = requests.get(f"{second}{document.url}", allow_redirects=False, timeout=60)
    assert answer.status_code == 302, logs()
    assert answer.headers["Location"].startswith(f"{s3_server.endpoint}/{object_storage}/")
    downloaded = requests.get(answer.headers["Location"], timeout=60)
    assert downloaded.status_code == 200
    assert downloaded.content == data
