"""core.client_ip: the learner's address behind the proxies the deployment trusts, and the
log-in lockout that counts it (django-axes)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

NGINX = "172.18.0.5"


def request_from(forwarded: str | None):
    meta = {"REMOTE_ADDR": NGINX}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "8.8.8.8", NGINX),  # no proxy trusted: the header is the client's word, ignored
        (1, None, NGINX),  # reached directly, without the proxy
        (1, "8.8.8.8", "8.8.8.8"),  # nginx saw 8.8.8.8
        (1, "1.1.1.1, 8.8.8.8", "8.8.8.8"),  # 1.1.1.1 was written by the client: not trusted
        (2, "1.1.1.1, 8.8.8.8, 9.9.9.9", "8.8.8.8"),  # a balancer, then nginx
        (2, "9.9.9.9", NGINX),  # fewer entries than proxies: nothing to trust
        (1, "1.1.1.1, not-an-address", NGINX),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "", NGINX),
    ],
)
def test_the_client_is_read_that_many_entries_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(forwarded)) == expected


@pytest.mark.django_db
def test_behind_nginx_a_lockout_holds_the_attackers_address_only(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    learner = UserFactory()
    with translation.override("en"):
        url = reverse("accounts:login")

    def log_in(password, address):
        return client.post(
            url,
            {"username": learner.username, "password": password},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=f"10.0.0.1, {address}",  # a spoofed first entry changes nothing
        )

    for _ in range(5):
        response = log_in("wrong", "8.8.8.8")
    assert response.status_code == 429
    assert log_in(PASSWORD, "8.8.8.8").status_code == 429  # still locked from there
    # The learner, through the same nginx from their own address, is not locked out.
    assert log_in(PASSWORD, "1.1.1.1").status_code == 302
