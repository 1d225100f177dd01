from wagtail.blocks import StreamValue
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText, get_text_for_indexing
from wagtail.search import index

from .caching import view_restrictions_exist
from .text import search_document, search_words


def plain_text(value) -> str:
    """The readable text of a field value: a string, rich text (HTML) or a StreamField."""
    if isinstance(value, StreamValue):
        parts = value.stream_block.get_searchable_content(value)
        return " ".join(str(part) for part in parts if part)
    if isinstance(value, RichText):
        value = value.source
    return get_text_for_indexing(str(value or ""))


class SavadPage(Page):
    """Base of Savad's page types: view restrictions checked without walking the tree.

    When no view restriction exists anywhere (the usual case) nothing is queried; otherwise the
    ancestors found while routing (see ``core.routing``) are used instead of a new query.
    """

    # Search indexes the title and ``search_content()`` folded by ``core.text`` (see there).
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.AutocompleteField("search_title"),
    ]
    # The fields whose plain text is the page's searchable content, in the order quoted.
    search_content_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def search_content(self) -> list[str]:
        """The page's own text (not its title) that search finds and quotes, as plain text."""
        texts = (plain_text(getattr(self, name)) for name in self.search_content_fields)
        return [text for text in texts if text]

    def search_text(self) -> str:
        return search_document(self.title, *self.search_content())

    def search_title(self) -> str:
        return search_words(self.title)

    def get_view_restrictions(self):
        if not view_restrictions_exist():
            return PageViewRestriction.objects.none()
        ancestors = getattr(self, "_route_ancestors", None)
        if ancestors is None:
            return super().get_view_restrictions()
        page_ids = {page.alias_of_id or page.pk for page in ancestors}
        page_ids.add(self.alias_of_id or self.pk)
        return PageViewRestriction.objects.filter(page_id__in=page_ids)
