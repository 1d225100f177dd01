from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .selectors import email_in_use


class LoginForm(AuthenticationForm):
    """Log-in by username and password; labels from Savad's own catalogue."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")


class SignUpForm(UserCreationForm):
    """Sign-up with a username, a display name, an e-mail address and a password."""

    email = forms.EmailField(label=_("E-mail address"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password confirmation")

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
