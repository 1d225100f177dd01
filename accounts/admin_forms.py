"""The Wagtail admin's user forms for Savad accounts, which hold a display name.

Wagtail requires a first and a last name; Savad users have a display name instead (and most
have neither of the others), so those two are optional here and the display name and language
are edited beside them.
"""

from wagtail.users.forms import UserCreationForm, UserEditForm

SAVAD_FIELDS = ("display_name", "preferred_language")


class _SavadNames:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = False
        self.fields["last_name"].required = False


class SavadUserEditForm(_SavadNames, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(SAVAD_FIELDS)


class SavadUserCreationForm(_SavadNames, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(SAVAD_FIELDS)
