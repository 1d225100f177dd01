from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    # On the site's origin, with the session:
    path("preview/<uuid:package_uuid>/", views.preview, name="preview"),
    path("xapi/<str:token>/", views.xapi, name="xapi"),
    # On the content origin (H5P_CONTENT_ORIGIN, or the site's host), by token only:
    path("frame/<str:token>/", views.frame, name="frame"),
    path("c/<str:token>/<path:path>", views.content_file, name="content"),
    path("libraries/<path:path>", views.library_file, name="library"),
    path("state/<str:token>/<str:data_type>/<str:sub_content_id>/", views.state, name="state"),
]
