from django.urls import path

from . import views

app_name = "simulations"

urlpatterns = [
    path("<id:page_id>/start/", views.start, name="start"),
    path("attempts/<id:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempts/<id:attempt_id>/result/", views.result, name="result"),
]
