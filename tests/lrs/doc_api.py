"""A test client for the LRS document resources, with one client application's credentials."""

import base64
import json
from urllib.parse import urlencode

from django.test import Client as HttpClient

STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
ACTIVITY = "https://example.org/activities/lesson-1"


def agent_json(email: str = "learner@example.org", **extra) -> str:
    return json.dumps({"objectType": "Agent", "mbox": f"mailto:{email}", **extra})


def state_params(**changes) -> dict:
    params = {"activityId": ACTIVITY, "agent": agent_json(), "stateId": "resume"}
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


class Documents:
    """Requests to a document resource: parameters in the query string, the body as sent."""

    def __init__(self, key: str, secret: str):
        self.http = HttpClient()
        credentials = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {
            "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3",
            "HTTP_AUTHORIZATION": f"Basic {credentials}",
        }

    def url(self, resource: str, params: dict) -> str:
        return f"{resource}?{urlencode(params)}" if params else resource

    def get(self, resource: str, params: dict, **extra):
        return self.http.get(self.url(resource, params), **{**self.headers, **extra})

    def head(self, resource: str, params: dict, **extra):
        return self.http.head(self.url(resource, params), **{**self.headers, **extra})

    def delete(self, resource: str, params: dict, **extra):
        return self.http.delete(self.url(resource, params), **{**self.headers, **extra})

    def send(self, method: str, resource: str, params: dict, body, content_type=None, **extra):
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        kwargs = {"content_type": content_type or "application/octet-stream"}
        send = getattr(self.http, method.lower())
        return send(self.url(resource, params), body, **kwargs, **{**self.headers, **extra})

    def put(self, resource: str, params: dict, body, content_type=None, **extra):
        return self.send("PUT", resource, params, body, content_type, **extra)

    def post(self, resource: str, params: dict, body, content_type=None, **extra):
        return self.send("POST", resource, params, body, content_type, **extra)
