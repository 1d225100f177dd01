"""The address a request came from, behind the reverse proxies the deployment says it has.

Behind nginx (deploy/nginx.conf), every request reaches Django from nginx's own address; nginx
appends the address it saw to ``X-Forwarded-For``. ``TRUSTED_PROXY_COUNT`` (the environment's
``AXES_PROXY_COUNT``) is how many such proxies stand in front, each appending one entry: the
client's address is then that many entries from the right. Entries further left were sent by
the client and are never trusted. django-axes uses this for its lockouts (a wrong password
counts against the learner's address, not against nginx's, which every learner shares).
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address (``REMOTE_ADDR`` when no proxy is trusted or the header is short)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass  # not an address: what our own proxy wrote cannot be that, so ignore it
    return request.META.get("REMOTE_ADDR")
