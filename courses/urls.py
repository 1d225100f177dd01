from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("<id:page_id>/enrol/", views.enrol, name="enrol"),
    path("<id:page_id>/unenrol/", views.unenrol, name="unenrol"),
    path("lessons/<id:page_id>/complete/", views.complete, name="complete"),
    path("visits/", views.visit_beacon, name="visits"),
]
