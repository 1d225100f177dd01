from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .admin_forms import SavadUserCreationForm, SavadUserEditForm


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin with Savad's forms (display name; first and last name optional)."""

    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return SavadUserEditForm if for_update else SavadUserCreationForm
