from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .selectors import email_in_use


class SignUpForm(UserCreationForm):
    """Sign-up with a username, a display name, an e-mail address and a password."""

    email = forms.EmailField(label=_("E-mail address"), required=True)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email", "preferred_language")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email_in_use(email):
            raise forms.ValidationError(
                _(
                    "An account with this e-mail address already exists. "
                    "Log in, or reset your password if you forgot it."
                ),
                code="duplicate_email",
            )
        return email


class ProfileForm(forms.ModelForm):
    """What a user may change about themselves."""

    class Meta:
        model = User
        fields = ("display_name", "email", "preferred_language")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email_in_use(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="duplicate_email"
            )
        return email
