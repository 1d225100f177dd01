from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from core import jobs
from core.exceptions import SavadError

from .selectors import (
    MAX_QUERY_LENGTH,
    SearchFilters,
    autocomplete_pages,
    clean_query,
    describe_results,
    filter_options,
    other_keyboard,
    other_language,
    promotions_for,
    result_page,
    search_glossary,
    search_pages,
    search_terms,
    strip_controls,
    type_label,
)
from .tasks import record_search

RESULTS_PER_PAGE = 10


def _other_language_link(query: str) -> dict | None:
    code = other_language(query, language=translation.get_language())
    if code is None:
        return None
    with translation.override(code):
        url = reverse("search")
    names = {"fa": translation.gettext("Persian"), "en": translation.gettext("English")}
    return {"code": code, "name": names[code], "url": f"{url}?{urlencode({'q': query})}"}


def _did_you_mean(typed: str, *, locale, user) -> dict | None:
    """What was typed, retyped in this language's keyboard layout, if that finds something."""
    swapped = other_keyboard(typed, language=translation.get_language())
    if swapped is None:
        return None
    try:
        query = clean_query(swapped)
    except SavadError:
        return None
    if not query or not list(search_pages(query, locale=locale, user=user)[:1]):
        return None
    return {"query": query, "url": f"{reverse('search')}?{urlencode({'q': query})}"}


@require_safe
def search(request):
    raw = request.GET.get("q", "")
    locale = Locale.get_active()
    options = filter_options(locale=locale)
    filters = SearchFilters.from_params(request.GET, options)
    context = {"search_query": strip_controls(raw), "options": options, "filters": filters}
    try:
        query = clean_query(raw)
    except SavadError as error:
        context["error"] = error.message
        return render(request, "search/search.html", context, status=error.status)
    if query:
        context["other_language"] = _other_language_link(query)
        context["glossary"] = search_glossary(query, locale=locale) if not filters.active else []
    results = search_pages(query, locale=locale, user=request.user, filters=filters)
    page = result_page(results, request.GET.get("page"), per_page=RESULTS_PER_PAGE)
    context["results"] = page
    if query and not page.paginator.count:
        typed = context["search_query"][:MAX_QUERY_LENGTH]
        context["did_you_mean"] = _did_you_mean(typed, locale=locale, user=request.user)
    context["described"] = describe_results(page.object_list, query=query)
    first_page = request.GET.get("page", "1") in {"", "1"}
    if query and first_page and not filters.active:
        promotions = promotions_for(query, locale=locale, user=request.user)
        context["promotions"] = promotions
        found = bool(page.paginator.count or context["glossary"] or promotions)
        jobs.enqueue_on_commit(record_search, search_terms(query), found, robust=True)
    return render(request, "search/search.html", context)


@require_safe
def suggest(request):
    """Titles for the header search box: ``{"results": [{"title", "url", "type"}]}``."""
    try:
        query = clean_query(request.GET.get("q", ""))
    except SavadError:
        query = ""
    pages = autocomplete_pages(query, locale=Locale.get_active(), user=request.user)
    results = [
        {"title": page.title, "url": page.get_url(request), "type": type_label(type(page))}
        for page in pages
    ]
    return JsonResponse({"results": results})
