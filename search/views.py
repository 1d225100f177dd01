from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from .selectors import search_pages

RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = search_pages(query, locale=Locale.get_active())
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "search/search.html", {"search_query": query, "results": page})
