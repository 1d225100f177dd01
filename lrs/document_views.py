"""The document and metadata resources of xAPI 1.0.3 (Communication 2.3, 2.5-2.8).

``/xapi/activities/state``, ``/xapi/activities/profile`` and ``/xapi/agents/profile`` keep
documents (``lrs.document_store``); ``/xapi/activities`` and ``/xapi/agents`` describe an
activity and an agent (``lrs.metadata``). Like the statements resource, every request but
about's needs the version header and a client's HTTP Basic credentials (``views.check_client``),
answers errors as ``{"error": "..."}`` in English and HEAD like GET without a body. Each
client sees only its own documents (``lrs.models.Document``); the Activities and Agents
resources read the statements the client may read (``lrs.selectors.readable_by``).
"""

import uuid
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from xapi.identity import XAPI_VERSION
from xapi.validation import (
    StatementError,
    is_iri,
    is_uuid,
    parse_timestamp,
    strict_json,
    validate_actor,
)

from . import keys, metadata
from .document_store import (
    Address,
    Preconditions,
    delete_documents,
    document_ids,
    get_document,
    save_document,
)
from .http import answer, head_safe, not_found, read_body
from .models import Document
from .views import VERSION_HEADER, check_client, error, xapi_response

DOCUMENT_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
READ_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Resource:
    """How one document resource is addressed."""

    kind: int
    id_param: str
    activity: bool
    agent: bool
    registration: bool = False
    delete_all: bool = False
    require_preconditions: bool = True


STATE = Resource(
    Document.Kind.STATE,
    "stateId",
    activity=True,
    agent=True,
    registration=True,
    delete_all=True,
    require_preconditions=False,
)
ACTIVITY_PROFILE = Resource(Document.Kind.ACTIVITY_PROFILE, "profileId", activity=True, agent=False)
AGENT_PROFILE = Resource(Document.Kind.AGENT_PROFILE, "profileId", activity=False, agent=True)


def _resource_view(handler, methods):
    @csrf_exempt
    @never_cache
    def view(request):
        client, refusal = check_client(request)
        if refusal is not None:
            return head_safe(request, refusal)
        if request.method not in methods:
            allowed = ", ".join(methods)
            message = f"{request.method} is not allowed here."
            return error(405, message, {"Allow": allowed})
        return answer(request, handler, client)

    return view


def document_view(resource: Resource):
    """The view of one document resource."""

    def handle(request, client):
        return _documents(request, client, resource)

    return _resource_view(handle, DOCUMENT_METHODS)


def _params(request) -> dict[str, str]:
    return {name: request.GET[name] for name in request.GET}


def _documents(request, client, resource: Resource):
    address, since = _address(resource, _params(request), request.method)
    if request.method in READ_METHODS:
        if address.document_id is None:
            ids, latest = document_ids(client=client, address=address, since=since)
            headers = {"Last-Modified": http_date(latest.timestamp())} if latest else {}
            return xapi_response(ids, headers=headers)
        document = get_document(client=client, address=address)
        if document is None:
            return not_found(request, "No such document.")
        return _document_response(document)
    preconditions = Preconditions(
        if_match=request.headers.get("If-Match"),
        if_none_match=request.headers.get("If-None-Match"),
    )
    if request.method == "DELETE":
        delete_documents(client=client, address=address, preconditions=preconditions)
        return xapi_response(status=204)
    document = save_document(
        client=client,
        address=address,
        content=read_body(request),
        content_type=request.META.get("CONTENT_TYPE", ""),
        merge=request.method == "POST",
        preconditions=preconditions,
        require_preconditions=resource.require_preconditions,
    )
    return xapi_response(status=204, headers={"ETag": document.etag})


def _document_response(document: Document) -> HttpResponse:
    """The stored bytes with their stored type, never run as a page on Savad's origin: a client
    could store HTML, and the alternate syntax lets any web page's form ask for it."""
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "attachment"
    response[VERSION_HEADER] = XAPI_VERSION
    response["ETag"] = document.etag
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def _address(resource: Resource, params: dict[str, str], method: str):
    """The ``Address`` and ``since`` of a request; ``StatementError`` for a bad parameter."""
    allowed = {resource.id_param}
    allowed |= {"activityId"} if resource.activity else set()
    allowed |= {"agent"} if resource.agent else set()
    allowed |= {"registration"} if resource.registration else set()
    allowed |= {"since"} if method in READ_METHODS else set()
    unknown = sorted(set(params) - allowed)
    if unknown:
        names = ", ".join(sorted(allowed))
        raise StatementError(f"Unknown parameter “{unknown[0]}” ({method} here takes {names}).")
    fields = {}
    if resource.activity:
        fields["activity_id"] = _activity_id(params)
    if resource.agent:
        fields["agent"] = _agent(params)
    if "registration" in params:
        if not is_uuid(params["registration"]):
            raise StatementError("registration: must be a UUID.")
        fields["registration"] = uuid.UUID(params["registration"])
    document_id = params.get(resource.id_param)
    if document_id is None:
        if method in {"PUT", "POST"} or (method == "DELETE" and not resource.delete_all):
            raise StatementError(f"{method} needs the {resource.id_param} parameter.")
    elif not document_id:
        raise StatementError(f"{resource.id_param}: must not be empty.")
    since = None
    if "since" in params:  # checked, and ignored beside an id (as the conformance suite asks)
        since = parse_timestamp(params["since"], "since")
    return Address(kind=resource.kind, document_id=document_id, **fields), since


def _activity_id(params: dict[str, str]) -> str:
    if "activityId" not in params:
        raise StatementError("The activityId parameter is required.")
    if not is_iri(params["activityId"]):
        raise StatementError("activityId: must be an IRI.")
    return params["activityId"]


def _agent(params: dict[str, str], *, group: bool = True) -> dict:
    if "agent" not in params:
        raise StatementError("The agent parameter is required (an Agent as JSON).")
    agent = strict_json(params["agent"], "agent")
    validate_actor(agent, where="agent")
    if not group and agent.get("objectType") == "Group":
        raise StatementError("agent: must be an Agent, not a Group.")
    if keys.agent_key(agent) is None:
        raise StatementError("agent: an anonymous Group names no one.")
    return agent


def _only(params: dict[str, str], name: str) -> None:
    unknown = sorted(set(params) - {name})
    if unknown:
        raise StatementError(f"Unknown parameter “{unknown[0]}” (this resource takes {name}).")


def _activities(request, client):
    params = _params(request)
    _only(params, "activityId")
    return xapi_response(metadata.activity_object(_activity_id(params), client=client))


def _agents(request, client):
    params = _params(request)
    _only(params, "agent")
    agent = _agent(params, group=False)
    return xapi_response(metadata.person_object(agent, client=client))


state = document_view(STATE)
activity_profile = document_view(ACTIVITY_PROFILE)
agent_profile = document_view(AGENT_PROFILE)
activities = _resource_view(_activities, READ_METHODS)
agents = _resource_view(_agents, READ_METHODS)
