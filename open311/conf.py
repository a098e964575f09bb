"""Open311 settings with their defaults (DOMAIN.md: numbers are defaults to configure, never constants).

``settings.OPEN311`` may set any of these keys; a missing key falls back to ``DEFAULTS``.
"""

from django.conf import settings

DEFAULTS = {
    # The jurisdiction_id partners send; an empty jurisdiction_id is accepted as this one.
    "JURISDICTION_ID": "pingshan.sz.gov.cn",
    # POSTs per key and minute (a key's own ``rate_limit_per_minute`` overrides it).
    "RATE_LIMIT_PER_MINUTE": 60,
    # GET requests: the longest start_date/end_date window, and the most items one answer holds.
    "WINDOW_DAYS": 90,
    "MAX_ITEMS": 1000,
    # GET servicerequestupdates without start_date: updates of the last this many hours.
    "UPDATES_DEFAULT_HOURS": 24,
    # Open311 carries no complaint kind: requests are filed as this kind (ComplaintKind value).
    "DEFAULT_KIND": "complaint",
    # Discovery document.
    "CONTACT": "坪山区12345热线平台 Open311 对接：open311@pingshan.example",
    "KEY_SERVICE": "/open311/",
    "CHANGESET": "2026-05-01T00:00:00+08:00",
    "ENVIRONMENT": "production",
    # True: every GET also needs a valid api_key (the spec makes keys optional for reading).
    "READ_REQUIRES_KEY": False,
}


def open311_setting(name: str):
    return getattr(settings, "OPEN311", {}).get(name, DEFAULTS[name])
