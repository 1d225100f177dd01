"""A learner's statements and documents in their data export and erased with their account."""

import json
import uuid

import pytest
from wagtail import hooks

from lrs import keys
from lrs.models import Document, Statement
from tests.factories import UserFactory
from tests.lrs.conftest import agent, statement
from tests.lrs.doc_api import AGENT_PROFILE, STATE
from xapi.identity import agent_for

pytestmark = pytest.mark.django_db


def lrs_hook(name: str):
    (hook,) = [fn for fn in hooks.get_hooks(name) if fn.__module__ == "lrs.wagtail_hooks"]
    return hook


def test_export_and_erase_cover_the_account_and_email_forms(api):
    learner, other = UserFactory(), UserFactory()
    mine = api.post(
        [statement(actor=agent_for(learner)), statement(actor=agent(learner.email.upper()))]
    ).json()
    (theirs,) = api.post(statement(actor=agent_for(other))).json()
    export = lrs_hook("savad_user_data")
    files = export(learner)
    assert sorted(s["id"] for s in files["lrs_statements.json"]) == sorted(mine)
    lrs_hook("savad_erase_user")(learner)
    assert list(Statement.objects.values_list("id", flat=True)) == [uuid.UUID(theirs)]
    assert export(learner)["lrs_statements.json"] == []
    assert len(export(other)["lrs_statements.json"]) == 1


def test_export_and_erase_cover_the_learners_state_and_agent_profile_documents(documents):
    learner, other = UserFactory(), UserFactory()
    mine = json.dumps(agent(learner.email))
    theirs = json.dumps(agent(other.email))
    activity = "https://example.org/activities/one"
    documents.put(
        STATE, {"activityId": activity, "agent": mine, "stateId": "s"}, "page 3", "text/plain"
    )
    documents.put(AGENT_PROFILE, {"agent": mine, "profileId": "p"}, b"\xff\x00", "image/x-raw")
    documents.put(
        STATE, {"activityId": activity, "agent": theirs, "stateId": "s"}, "x", "text/plain"
    )

    files = lrs_hook("savad_user_data")(learner)
    exported = sorted(files["lrs_documents.json"], key=lambda entry: entry["kind"])
    assert [(e["kind"], e["id"], e["content"], e["encoding"]) for e in exported] == [
        ("agent profile", "p", "/wA=", "base64"),
        ("state", "s", "page 3", "text"),
    ]
    lrs_hook("savad_erase_user")(learner)
    assert list(Document.objects.values_list("agent_key", flat=True)) == [
        keys.agent_key(agent(other.email))
    ]
