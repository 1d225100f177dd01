from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from . import serving


@hooks.register("insert_global_admin_js")
def admin_inputs_js():
    """Text fields follow what is typed (Persian or English); number fields take Persian digits."""
    return format_html('<script src="{}" defer></script>', static("core/admin-inputs.js"))


@hooks.register("before_serve_document", order=1000)  # after every access check
def send_document(document, request):
    """A document in object storage leaves as a redirect to a short-lived signed link."""
    if not serving.can_sign():
        return None  # Wagtail's view streams it, or hands it to SENDFILE_BACKEND
    return serving.send_stored(
        request,
        document.file.name,
        content_type=document.content_type,
        cache_control="private, max-age=3600",
        filename=document.filename,
        as_attachment=document.content_disposition != "inline",
    )
