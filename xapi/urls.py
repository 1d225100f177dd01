from django.urls import path

from . import views

app_name = "xapi"

urlpatterns = [
    path("", views.learning_record, name="learning_record"),
    path("statements.json", views.statements_download, name="statements"),
]
