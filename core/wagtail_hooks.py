from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_inputs_js():
    """Text fields follow what is typed (Persian or English); number fields take Persian digits."""
    return format_html('<script src="{}" defer></script>', static("core/admin-inputs.js"))
