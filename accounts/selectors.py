from .models import User


def email_in_use(email: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another account already uses this e-mail address (case-insensitive)."""
    users = User.objects.filter(email__iexact=email.strip())
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return bool(email) and users.exists()
