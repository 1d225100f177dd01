"""Template helpers used across Savad's templates."""

import datetime
from decimal import Decimal

import jdatetime
from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.urls import translate_url
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext

from core import hooks
from core.caching import page_translations
from core.text import page_digits, page_percent, persian_digits

register = template.Library()


def _other_language_url(request, code: str) -> str:
    """The view's address in language ``code``: its ``/<code>/`` form, or, for the views
    outside the language prefix (certificate verification), the same path with ``?lang=``."""
    if request is None:
        return f"/{code}/"
    full_path = request.get_full_path()
    url = translate_url(full_path, code)
    if url != full_path:
        return url
    query = request.GET.copy()
    query["lang"] = code
    return f"{request.path}?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """Links to the page being viewed in every site language.

    On a Wagtail page the link goes to its translation (slugs differ between languages);
    when there is none, to that language's home page. Other views keep their path.
    """
    request = context.get("request")
    page = context.get("page")
    translations = {}
    if page is not None and getattr(page, "translation_key", None):
        for translation in page_translations(page):
            translations[translation.locale.language_code] = translation
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if page is not None:
            translation = translations.get(code)
            url = translation.get_url(request) if translation else f"/{code}/"
        else:
            url = _other_language_url(request, code)
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links


@register.filter
def jdate(value, arg: str = "j F Y") -> str:
    """A date in the reader's calendar: Jalali with Persian digits in ``fa``, else Gregorian."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if get_language() != "fa":
        return date_filter(value, arg)
    jalali = jdatetime.date.fromgregorian(date=value, locale="fa_IR")
    return persian_digits(jalali.strftime("%-d %B %Y"))


@register.filter(name="jdatetime")
def jdatetime_filter(value) -> str:
    """A moment in the reader's calendar and digits: its date (``jdate``) and local time."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = f"{local:%H:%M}"
    return f"{jdate(local)} {persian_digits(clock) if get_language() == 'fa' else clock}"


TITLE_SEPARATOR = " · "


@register.filter(is_safe=True)
def site_title(text: str) -> str:
    """A page's ``<title>``: "Page · Savad", or "Savad" alone for a page without a title of its
    own (the home page); a trailing separator written by a template is not doubled. ``text``
    is the rendered (escaped) title block."""
    site = conditional_escape(gettext("Savad"))
    text = " ".join(str(text).split()).removesuffix(TITLE_SEPARATOR.strip()).strip()
    if not text or text == site:
        return site
    return mark_safe(f"{text}{TITLE_SEPARATOR}{site}")  # noqa: S308 - both parts are escaped


@register.filter
def digits(value) -> str:
    """A number in the page's digits (Persian ۰-۹ in Persian)."""
    return page_digits(value, get_language())


@register.filter
def text_digits(value) -> str:
    """A sentence with its digits in the page's digits (punctuation left as it is)."""
    text = "" if value is None else str(value)
    return persian_digits(text) if get_language() == "fa" else text


@register.filter
def percent_of_100(value) -> str:
    """A whole percentage (0–100, e.g. a progress) in the page's digits: ``۴۵٪`` or ``45%``."""
    return page_percent(value, get_language())


@register.filter
def fraction_percent(value) -> str:
    """A score (0–1) as a whole percentage in the page's digits."""
    return "" if value is None else page_percent(Decimal(value) * 100, get_language())


@register.filter
def minutes(value: datetime.timedelta | None) -> int:
    """Whole minutes in a duration, rounded up (a lock of 90 seconds reads as 2 minutes)."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.simple_tag(takes_context=True)
def catalogue_url(context) -> str | None:
    """The course catalogue of the active language (given by courses through a hook)."""
    return hooks.catalogue_url(request=context.get("request"))
