from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<id:page_id>/start/", views.start, name="start"),
    path("attempts/<id:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempts/<id:attempt_id>/review/", views.review, name="review"),
]
