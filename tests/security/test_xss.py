"""Complaint text with HTML and script is shown escaped everywhere (issue 11, §4), server side: every
page of the URL configuration is rendered, as the people who see the most, for a complaint whose every
free-text field (and an event note, a notification) carries markup; no page may contain the markup
raw. The browser test (test_xss_browser.py) proves that nothing runs."""

from django.test import Client

from grievance.models import Complaint, ComplaintEvent, Notification
from tests.security.conftest import body_of
from tests.security.pages import VIEWERS, page_routes, page_url

SCRIPT = '<script>window.__xss="script"</script>'
IMG = "<img src=x onerror=\"window.__xss='img'\">"
ATTR = '" autofocus onfocus="window.__xss=\'attr\'" x="'
PAYLOADS = (SCRIPT, IMG, ATTR)
RAW = ("<script>window.__xss", "<img src=x onerror", 'onfocus="window.__xss')


def xss_complaint(sw) -> Complaint:
    """The foreign complaint with markup in every free-text field, an event note and a notification."""
    complaint = sw.foreign
    text = " ".join(PAYLOADS)
    Complaint.objects.filter(pk=complaint.pk).update(
        title=f"路灯{SCRIPT}"[:200],
        description=f"描述{text}",
        address=f"地址{IMG}"[:255],
        contact_name=f"{IMG}"[:64],
        result=f"结果{text}",
    )
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=complaint.received_at,
        action="note",
        from_status=complaint.status,
        to_status=complaint.status,
        note=f"备注{text}",
        payload={"reason": text},
    )
    Notification.objects.filter(pk=sw.notice.pk).update(title=f"通知{SCRIPT}"[:200], body=text)
    complaint.refresh_from_db()
    return complaint


def test_markup_in_complaint_text_is_escaped_on_every_page(sw, clients, record_property):
    xss_complaint(sw)
    readers = dict(clients)
    readers["foreign_handler"] = Client()
    readers["foreign_handler"].force_login(sw.world.other_handler)  # sees the contact and the notice
    viewers = (*VIEWERS, "foreign_handler")
    pages = 0
    raw = []
    for route in page_routes():
        url = page_url(route, sw)
        if url is None:
            continue
        for viewer in viewers:
            response = readers[viewer].get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            body = body_of(response)
            raw += [f"{url} as {viewer}: {marker}" for marker in RAW if marker in body]
    record_property("xss_pages_rendered", pages)
    print(f"\nxss: {pages} pages rendered, raw markup found {len(raw)} times")
    assert pages >= 30
    assert not raw, "\n".join(raw)


def test_the_escaped_text_is_shown_where_the_complaint_is(sw, clients):
    complaint = xss_complaint(sw)
    body = body_of(clients["dispatcher"].get(f"/work/complaints/{complaint.pk}/"))
    assert "&lt;script&gt;window.__xss" in body
