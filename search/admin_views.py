"""The administrators' report of searches that found nothing (beside Wagtail's search terms)."""

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _
from django_filters import DateFromToRangeFilter
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query


class NoResultsFilterSet(WagtailFilterSet):
    miss_date = DateFromToRangeFilter(
        label=_("Date"), field_name="daily_misses__date", widget=DateRangePickerWidget
    )

    class Meta:
        model = Query
        fields = []


class SearchesWithoutResultsView(ReportView):
    page_title = _("Searches without results")
    header_icon = "search"
    is_searchable = True
    search_fields = ["query_string"]
    filterset_class = NoResultsFilterSet
    default_ordering = "-_misses"
    index_url_name = "search_reports:no_results"
    index_results_url_name = "search_reports:no_results_results"
    columns = [
        Column("query_string", label=_("Search term(s)"), sort_key="query_string"),
        NumberColumn("_misses", label=_("Searches without a result"), sort_key="_misses"),
        DateColumn("_last", label=_("Last searched"), sort_key="_last"),
    ]
    list_export = ["query_string", "_misses", "_last"]
    export_headings = {
        "query_string": _("Search term(s)"),
        "_misses": _("Searches without a result"),
        "_last": _("Last searched"),
    }

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["queryset"] = self.get_base_queryset()
        return kwargs

    def get_base_queryset(self):
        return Query.objects.filter(daily_misses__isnull=False).annotate(
            _misses=Sum("daily_misses__misses"), _last=Max("daily_misses__date")
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)
