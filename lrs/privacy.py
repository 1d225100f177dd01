"""A learner's statements in their data export, and gone (with the attachment data only they
carried) when their account is erased.

"The learner's statements" are those whose actor names them: Savad's account form
(``xapi.identity.agent_for``) or their e-mail address (``mbox`` or ``mbox_sha1sum``).
"""

from . import keys
from .models import Statement
from .services import delete_unused_attachments


def user_statements(user):
    return Statement.objects.filter(agent_key__in=keys.user_agent_keys(user))


def export_user_data(user) -> dict:
    documents = list(user_statements(user).order_by("stored", "id").values_list("data", flat=True))
    return {"lrs_statements.json": documents}


def erase_user(user) -> None:
    user_statements(user).delete()
    delete_unused_attachments()  # what only their statements carried
