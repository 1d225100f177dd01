"""How Savad names things in xAPI: activity and course IRIs, and learners as agents.

Both directions use this module: statements Savad sends to an LRS, and statements external
content sends to Savad's own statements resource (``lrs``), which are matched back to
learners and activities here.
"""

import re
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model

XAPI_VERSION = "1.0.3"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def iri_base() -> str:
    return settings.XAPI_IRI_BASE.rstrip("/")


def activity_iri(activity_key: UUID) -> str:
    """A lesson, quiz or H5P page, across its translations."""
    return f"{iri_base()}/xapi/activities/{activity_key}"


def course_iri(course_key: UUID) -> str:
    return f"{iri_base()}/xapi/courses/{course_key}"


def question_iri(activity_key: UUID, question_id: int) -> str:
    return f"{activity_iri(activity_key)}/questions/{question_id}"


def activity_key_from_iri(iri: str) -> UUID | None:
    """The activity key in one of Savad's activity IRIs (None for anything else)."""
    match = re.fullmatch(rf"{re.escape(iri_base())}/xapi/activities/({_UUID})", iri or "")
    return UUID(match.group(1)) if match else None


def agent_for(user) -> dict:
    """The learner as an xAPI Agent: an account on this site, named by the user's id.

    The id rather than the e-mail address keeps addresses out of an external LRS.
    """
    return {
        "objectType": "Agent",
        "account": {"homePage": iri_base(), "name": str(user.pk)},
    }


def user_for_agent(agent: dict):
    """The active user an Agent names (our account form, or an ``mbox`` of a user's e-mail)."""
    if not isinstance(agent, dict):
        return None
    users = get_user_model().objects.filter(is_active=True)
    account = agent.get("account")
    if isinstance(account, dict) and account.get("homePage", "").rstrip("/") == iri_base():
        name = str(account.get("name", ""))
        # ASCII digits only ("²".isdigit() is true), and short enough to be a primary key.
        if not (name.isascii() and name.isdigit() and len(name) <= 18):
            return None
        return users.filter(pk=int(name)).first()
    mbox = agent.get("mbox")
    if isinstance(mbox, str) and mbox.lower().startswith("mailto:") and len(mbox) > 7:
        return users.filter(email__iexact=mbox[7:]).first()
    return None
