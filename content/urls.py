from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("play/<int:page_id>/<uuid:package_uuid>/", views.play, name="play"),
    path("preview/<uuid:package_uuid>/", views.preview, name="preview"),
    path("c/<str:token>/<path:path>", views.content_file, name="content"),
    path("libraries/<path:path>", views.library_file, name="library"),
    path("state/<str:token>/<str:data_type>/<str:sub_content_id>/", views.state, name="state"),
    path("xapi/<str:token>/", views.xapi, name="xapi"),
]
