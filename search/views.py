from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from core.exceptions import SavadError

from .selectors import clean_query, search_pages, strip_controls

RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    raw = request.GET.get("q", "")
    context = {"search_query": strip_controls(raw)}
    try:
        query = clean_query(raw)
    except SavadError as error:
        context["error"] = error.message
        return render(request, "search/search.html", context, status=error.status)
    results = search_pages(query, locale=Locale.get_active(), user=request.user)
    context["results"] = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "search/search.html", context)
