"""A learner's statements in their data export and erased with their account."""

import uuid

import pytest
from wagtail import hooks

from lrs.models import Statement
from tests.factories import UserFactory
from tests.lrs.conftest import agent, statement
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
