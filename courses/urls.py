from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("<int:page_id>/enrol/", views.enrol, name="enrol"),
    path("<int:page_id>/unenrol/", views.unenrol, name="unenrol"),
    path("lessons/<int:page_id>/complete/", views.complete, name="complete"),
]
