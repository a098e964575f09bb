"""Write a GeoReport v2 document as XML or JSON (the format is the URL's suffix).

XML follows the spec's element names: a list becomes ``<root><item>…</item></root>``; a nested list
``attributes``/``values``/``endpoints``/``formats`` becomes ``<attributes><attribute>…`` and so on;
None is an empty element and booleans are ``true``/``false``. JSON is the same document: lists stay
arrays even with one item.
"""

import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A nested list's element → the element of each of its items.
CHILD_TAGS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _XML_ILLEGAL_RE.sub("", str(value))  # control characters cannot appear in XML 1.0


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child = CHILD_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child), item)
    else:
        element.text = _text(value)


def document_xml(document, *, root: str, item: str | None = None) -> bytes:
    """``document`` (a dict, or a list of dicts each written as ``item``) under the element ``root``."""
    element = ET.Element(root)
    if isinstance(document, list):
        for entry in document:
            _fill(ET.SubElement(element, item or "item"), entry)
    else:
        _fill(element, document)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def document_response(
    document, *, fmt: str, root: str, item: str | None = None, status: int = 200
) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    else:
        body = document_xml(document, root=root, item=item)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
