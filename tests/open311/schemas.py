"""The GeoReport v2 JSON Schemas' rules, vendored as Python dicts (never fetched at test time).

``SERVICE``, ``SERVICE_DEFINITION``, ``REQUEST`` and the list wrappers follow the rules of the
``open311/schema-validation`` project (schema/georeport-v2/*.json: required fields, types, enums,
nullable optionals, ``description`` ≤ 4,000, ``date-time`` and ``uri`` formats). The project has no
schema for the POST answer, tokens, discovery or errors: those are written from the GeoReport v2
spec, and the update documents from mySociety's ``servicerequestupdates`` extension (Open311::
Endpoint::Role::mySociety). ``check_json`` validates with a format checker that really checks
``date-time`` (RFC 3339, offset required) and ``uri`` (absolute http/https/ftp).

The XML shapes (``XML_SHAPES``) list the spec's element names for each document: root element, item
element, the elements an item must have and the ones it may have.
"""

import re
from datetime import datetime
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

from jsonschema import Draft7Validator, FormatChecker

NULL = {"type": "null"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, NULL]}


STRING = {"type": "string"}
DATETIME = {"type": "string", "format": "date-time"}

SERVICE = {
    "description": "A single service (type) offered via Open311",
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": STRING,
        "service_name": STRING,
        "description": nullable(STRING),
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": nullable(STRING),
        "group": nullable(STRING),
    },
}
SERVICES = {"type": "array", "items": SERVICE}

ATTRIBUTE_VALUE = {
    "type": "object",
    "required": ["key", "name"],
    "properties": {"key": STRING, "name": STRING},
}
ATTRIBUTE = {
    "type": "object",
    "required": ["variable", "code", "datatype", "required"],
    "properties": {
        "variable": {"type": "boolean"},
        "code": STRING,
        "datatype": {
            "type": "string",
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
        },
        "required": {"type": "boolean"},
        "datatype_description": nullable(STRING),
        "order": nullable({"type": "integer"}),
        "description": nullable(STRING),
        "values": {"type": "array", "items": ATTRIBUTE_VALUE},
    },
}
SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {"service_code": STRING, "attributes": {"type": "array", "items": ATTRIBUTE}},
}

REQUEST = {
    "description": "Issues that have been reported as service requests.",
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": nullable(STRING),
        "service_name": nullable(STRING),
        "service_code": STRING,
        "description": nullable({"type": "string", "maxLength": 4000}),
        "agency_responsible": nullable(STRING),
        "service_notice": nullable(STRING),
        "requested_datetime": DATETIME,
        "updated_datetime": nullable(DATETIME),
        "expected_datetime": nullable(DATETIME),
        "address": nullable(STRING),
        "address_id": nullable(STRING),
        "zipcode": nullable(STRING),
        "lat": nullable({"type": "number"}),
        "long": nullable({"type": "number"}),
        "media_url": nullable({"type": "string", "format": "uri"}),
    },
}
REQUESTS = {"type": "array", "items": REQUEST}

# POST requests: "details for tracking a created service request".
REQUEST_CREATED = {
    "type": "object",
    "required": ["service_request_id"],
    "properties": {
        "service_request_id": STRING,
        "token": nullable(STRING),
        "service_notice": nullable(STRING),
        "account_id": nullable(STRING),
    },
}
REQUESTS_CREATED = {"type": "array", "minItems": 1, "maxItems": 1, "items": REQUEST_CREATED}

TOKEN = {
    "type": "object",
    "required": ["service_request_id", "token"],
    "properties": {"service_request_id": STRING, "token": STRING},
}
TOKENS = {"type": "array", "minItems": 1, "items": TOKEN}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": DATETIME,
        "contact": STRING,
        "key_service": STRING,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": DATETIME,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "enum": ["text/xml", "application/json"]},
                    },
                },
            },
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["code", "description"],
    "properties": {"code": {"type": "integer"}, "description": STRING},
    "additionalProperties": False,
}
ERRORS = {"type": "array", "minItems": 1, "items": ERROR}

EXTENDED_STATUSES = [
    "open",
    "closed",
    "fixed",
    "in_progress",
    "action_scheduled",
    "investigating",
    "duplicate",
    "not_councils_responsibility",
    "no_further_action",
    "internal_referral",
    "reopen",
]
UPDATE = {
    "type": "object",
    "required": ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"],
    "properties": {
        "update_id": STRING,
        "service_request_id": STRING,
        "status": {"type": "string", "enum": EXTENDED_STATUSES},
        "updated_datetime": DATETIME,
        "description": STRING,
        "media_url": STRING,
        "external_status_code": STRING,
    },
}
UPDATES = {"type": "array", "items": UPDATE}
UPDATE_CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "object", "required": ["update_id"], "properties": {"update_id": STRING}},
}

# --- formats ---------------------------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
format_checker = FormatChecker()


@format_checker.checks("date-time")
def _is_datetime(value) -> bool:
    if not isinstance(value, str) or not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))  # raises for impossible dates
    return True


@format_checker.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlparse(value)
    return parts.scheme in ("http", "https", "ftp") and bool(parts.netloc)


def check_json(document, schema: dict) -> None:
    """Raise ``AssertionError`` listing every violation of ``schema`` (formats included)."""
    errors = sorted(Draft7Validator(schema, format_checker=format_checker).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


# --- XML shapes ------------------------------------------------------------------------------------

XML_SHAPES = {
    "services": ("services", "service", SERVICE),
    "requests": ("service_requests", "request", REQUEST),
    "created": ("service_requests", "request", REQUEST_CREATED),
    "tokens": ("service_requests", "request", TOKEN),
    "errors": ("errors", "error", ERROR),
    "updates": ("service_request_updates", "request_update", UPDATE),
    "update_created": ("service_request_updates", "request_update", UPDATE_CREATED["items"]),
}
NESTED_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def xml_value(element: ET.Element):
    """An element as a dict (children by tag), a list (nested list elements) or its text."""
    if element.tag in NESTED_ITEMS:
        child = NESTED_ITEMS[element.tag]
        assert all(c.tag == child for c in element), f"<{element.tag}> holds only <{child}>"
        return [xml_value(c) for c in element]
    if len(element):
        tags = [c.tag for c in element]
        assert len(tags) == len(set(tags)), f"<{element.tag}> repeats an element: {tags}"
        return {c.tag: xml_value(c) for c in element}
    return element.text


def check_xml_item(item: dict, schema: dict) -> None:
    allowed = set(schema["properties"])
    assert set(schema["required"]) <= set(item), f"missing {set(schema['required']) - set(item)}"
    assert set(item) <= allowed, f"elements outside the spec: {set(item) - allowed}"


def xml_root(body: bytes, root: str) -> ET.Element:
    assert body.startswith(b"<?xml"), body[:60]
    element = ET.fromstring(body)
    assert element.tag == root, f"root is <{element.tag}>, expected <{root}>"
    return element


def check_xml_list(body: bytes, shape: str) -> list[dict]:
    """Parse a list document, check its root, item elements and each item's element names."""
    root, item, schema = XML_SHAPES[shape]
    element = xml_root(body, root)
    assert all(child.tag == item for child in element), [c.tag for c in element]
    items = [xml_value(child) for child in element]
    for entry in items:
        entry = entry if isinstance(entry, dict) else {}
        check_xml_item(entry, schema)
    return items
