from django.urls import path

from . import activity_views, import_views, learner_views, views

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
    path("learner/<int:user_id>/", learner_views.LearnerDetailView.as_view(), name="learner"),
    path("funnel/<uuid:course_key>/", views.FunnelView.as_view(), name="funnel"),
    path("activities/", activity_views.ActivitiesView.as_view(), name="activities"),
    path("quiz/<uuid:activity_key>/", activity_views.QuizReportView.as_view(), name="quiz"),
    path("attempt/<int:attempt_id>/", activity_views.attempt_review, name="attempt"),
    path(
        "exercise/<uuid:activity_key>/",
        activity_views.ExerciseReportView.as_view(),
        name="exercise",
    ),
    path(
        "exercise/<uuid:activity_key>/<int:package_id>/",
        activity_views.EmbeddedExerciseReportView.as_view(),
        name="embedded_exercise",
    ),
    path("import/", import_views.import_upload, name="import"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
]
