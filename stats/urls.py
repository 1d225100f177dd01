from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("results/", views.OverviewView.as_view(results_only=True), name="overview_results"),
    path("learners/", views.LearnersView.as_view(), name="learners"),
    path(
        "learners/results/",
        views.LearnersView.as_view(results_only=True),
        name="learners_results",
    ),
    path("funnel/<uuid:course_key>/", views.FunnelView.as_view(), name="funnel"),
]
