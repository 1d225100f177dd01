from django.urls import path

from .admin_views import SearchesWithoutResultsView

app_name = "search_reports"
urlpatterns = [
    path("no-results/", SearchesWithoutResultsView.as_view(), name="no_results"),
    path(
        "no-results/results/",
        SearchesWithoutResultsView.as_view(results_only=True),
        name="no_results_results",
    ),
]
