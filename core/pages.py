from wagtail.models import Page, PageViewRestriction

from .caching import view_restrictions_exist


class SavadPage(Page):
    """Base of Savad's page types: view restrictions checked without walking the tree.

    When no view restriction exists anywhere (the usual case) nothing is queried; otherwise the
    ancestors found while routing (see ``core.routing``) are used instead of a new query.
    """

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        if not view_restrictions_exist():
            return PageViewRestriction.objects.none()
        ancestors = getattr(self, "_route_ancestors", None)
        if ancestors is None:
            return super().get_view_restrictions()
        page_ids = {page.alias_of_id or page.pk for page in ancestors}
        page_ids.add(self.alias_of_id or self.pk)
        return PageViewRestriction.objects.filter(page_id__in=page_ids)
