"""Admin glue: the DigComp areas and competences as snippets under one "DigComp" menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Competence, CompetenceArea

# The framework is a few dozen rows loaded by a migration: plain database lookups find them
# without an index rebuild, so the listings search with the ORM rather than a search backend.


class CompetenceAreaViewSet(SnippetViewSet):
    model = CompetenceArea
    icon = "tag"
    list_display = ["number", "name_en", "name_fa"]
    search_fields = ["name_en", "name_fa"]
    search_backend_name = None
    ordering = "number"
    copy_view_enabled = False


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "list-ul"
    list_display = ["code", "name_en", "name_fa", "area"]
    list_filter = ["area"]
    search_fields = ["code", "name_en", "name_fa"]
    search_backend_name = None
    ordering = ["area__number", "position"]
    copy_view_enabled = False


class DigCompViewSetGroup(SnippetViewSetGroup):
    items = (CompetenceAreaViewSet, CompetenceViewSet)
    menu_label = _("DigComp")
    menu_icon = "list-ul"


register_snippet(DigCompViewSetGroup)
