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
    """Sign-up with a username, a display name, an e-mail address and a password.

    The form never says whether the address already has an account (``email`` is not a model
    field here, so the database's unique-address rule is not checked): ``accounts.services``
    answers both cases alike, by e-mail. It creates nothing itself (no ``save``).
    """

    email = forms.EmailField(label=_("E-mail address"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password confirmation")
        self.order_fields(["username", "display_name", "email", "preferred_language"])

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "preferred_language")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def validate_password_for_user(self, user, **kwargs):
        # The password validators compare the password with the user's details: give them
        # the address too (it is not a model field of this form).
        user.email = self.cleaned_data.get("email", "")
        super().validate_password_for_user(user, **kwargs)


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
