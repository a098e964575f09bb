"""Reading GeoReport v2 parameters the way real clients send them.

- Every parameter may come in the query string or in the body (the classic Python client puts
  ``api_key`` and ``jurisdiction_id`` in the query string of a POST); the body wins.
- An empty parameter counts as absent (clients send ``jurisdiction_id=``).
- Bodies are form-encoded (the spec) or multipart; a JSON object body is read too.
- ``attribute[code]`` (or ``attribute[code][]``, repeated for multivaluelist) are the answers to the
  service definition.
"""

import json
import re

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from common.exceptions import NotFoundError
from open311.conf import open311_setting

ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]+)\](?:\[\])?$")


def _json_body(request: HttpRequest) -> QueryDict:
    body = QueryDict(mutable=True)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return body
    if not isinstance(data, dict):
        return body
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                body.appendlist(str(key), str(item))
    return body


def _sources(request: HttpRequest) -> list[QueryDict]:
    if request.method != "POST":
        return [request.GET]
    if (request.content_type or "").startswith("application/json"):
        return [request.GET, _json_body(request)]
    return [request.GET, request.POST]


def request_params(request: HttpRequest) -> dict[str, str]:
    """Parameter name → its first non-empty value (stripped); the body overrides the query string."""
    params: dict[str, str] = {}
    for source in _sources(request):
        for key in source:
            values = [v.strip() for v in source.getlist(key) if isinstance(v, str) and v.strip()]
            if values and not ATTRIBUTE_RE.match(key):
                params[key] = values[0]
    return params


def request_answers(request: HttpRequest) -> dict[str, list[str]]:
    """Attribute code → every value sent for it (the body's replace the query string's)."""
    answers: dict[str, list[str]] = {}
    for source in _sources(request):
        found: dict[str, list[str]] = {}
        for key in source:
            match = ATTRIBUTE_RE.match(key)
            if match:
                found.setdefault(match.group(1), []).extend(
                    v for v in source.getlist(key) if isinstance(v, str)
                )
        answers.update(found)
    return answers


def jurisdiction_check(params: dict) -> None:
    """An absent or empty ``jurisdiction_id`` means ours; any other one is unknown here (404)."""
    given = params.get("jurisdiction_id")
    ours = str(open311_setting("JURISDICTION_ID"))
    if given is not None and given.lower() != ours.lower():
        raise NotFoundError(
            _("jurisdiction_id 不存在：%(given)s（本平台为 %(ours)s）") % {"given": given, "ours": ours},
            errors={"jurisdiction_id": [_("不存在：%(given)s") % {"given": given}]},
        )
