from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.exceptions import SavadError

from . import services
from .forms import LoginForm, ProfileForm, SignUpForm


def home_url() -> str:
    """The home page in the language the visitor is using now."""
    return f"/{get_language()}/"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """The learner's dashboard (``LOGIN_REDIRECT_URL``) in the language in use."""
        return resolve_url(settings.LOGIN_REDIRECT_URL)


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django requires) and return to the home page."""

    def get_success_url(self) -> str:
        return self.get_redirect_url() or home_url()


@require_http_methods(["GET", "POST"])
def signup(request):
    """The same answer whether or not the address has an account (see ``accounts.services``)."""
    if request.user.is_authenticated:
        return redirect(home_url())
    form = SignUpForm(request.POST or None, initial={"preferred_language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.signup_request(
            username=data["username"],
            display_name=data["display_name"],
            email=data["email"],
            preferred_language=data["preferred_language"],
            password=data["password1"],
            request=request,
        )
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@require_safe
def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token: str):
    """GET shows what the link will create; POST creates the account and logs in."""
    if request.user.is_authenticated:
        return redirect(home_url())
    if request.method == "GET":
        pending = services.pending_signup(token=token)
        context = {"pending": pending}
        if pending is None:
            context["error"] = _("This link has expired or was already used. Please sign up again.")
        return render(
            request, "accounts/signup_confirm.html", context, status=200 if pending else 404
        )
    try:
        user = services.signup_confirm(token=token)
    except SavadError as problem:
        context = {"error": problem.message}
        return render(request, "accounts/signup_confirm.html", context, status=problem.status)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Welcome to Savad, %(name)s!") % {"name": user.get_short_name()})
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)
