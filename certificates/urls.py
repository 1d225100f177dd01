from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("<str:code>/", views.certificate_detail, name="detail"),
    path("<str:code>/pdf", views.certificate_pdf, name="pdf"),
]
