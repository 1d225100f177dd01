from django.db.models import QuerySet
from wagtail.models import Locale, Page

MAX_QUERY_LENGTH = 200


def search_pages(query: str, *, locale: Locale) -> QuerySet | list:
    """Published, public pages of ``locale`` matching ``query``, best first."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return Page.objects.none()
    pages = Page.objects.live().public().filter(locale=locale).specific()
    return pages.search(query)
