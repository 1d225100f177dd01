"""Canonical, fixed-length keys for the identifiers statements are filtered by.

Agents and identified groups are equal when they use the same Inverse Functional Identifier
with the same value; the key is the SHA-256 of ``<ifi>:<canonical value>``. E-mail addresses
are compared without regard to case and account home pages without a trailing slash (as
``xapi.identity.user_for_agent`` does). IRIs are compared as plain strings.
"""

import hashlib

from xapi.identity import agent_for

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iri_key(iri: str) -> str:
    return _digest(f"iri:{iri}")


def ifi_text(agent: dict) -> str | None:
    """``"<ifi>:<value>"`` for an agent or identified group; None for anonymous groups."""
    if not isinstance(agent, dict):
        return None
    if isinstance(agent.get("mbox"), str):
        return f"mbox:{agent['mbox'].lower()}"
    if isinstance(agent.get("mbox_sha1sum"), str):
        return f"mbox_sha1sum:{agent['mbox_sha1sum'].lower()}"
    if isinstance(agent.get("openid"), str):
        return f"openid:{agent['openid']}"
    account = agent.get("account")
    if isinstance(account, dict):
        home = str(account.get("homePage", "")).rstrip("/")
        return f"account:{home}|{account.get('name', '')}"
    return None


def agent_key(agent: dict) -> str | None:
    text = ifi_text(agent)
    return _digest(text) if text is not None else None


def user_agent_keys(user) -> list[str]:
    """Every key under which statements can name ``user``: our account form and the e-mail."""
    keys = [agent_key(agent_for(user))]
    if user.email:
        mbox = f"mailto:{user.email}"
        keys.append(agent_key({"mbox": mbox}))
        sha1 = hashlib.sha1(mbox.lower().encode("utf-8"), usedforsecurity=False).hexdigest()
        keys.append(agent_key({"mbox_sha1sum": sha1}))
    return keys
