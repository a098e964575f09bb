"""Mediation settings with their defaults (DOMAIN.md §4: numbers are defaults, never constants).

A deployment overrides any key with ``settings.MEDIATION = {...}``; keys it leaves out keep the default
below. Read them only through ``mediation_setting``.
"""

from django.conf import settings

DEFAULTS: dict = {
    # Time limit per dispute type: (amount, unit) with unit "natural_day" or "month", counted from the
    # application. Labour disputes: 15 days, after which the parties may apply for arbitration
    # (劳动争议调解仲裁法 art. 14); a people's mediation case should finish within one month (local rule).
    "TIME_LIMITS": {"labour": (15, "natural_day")},
    "DEFAULT_TIME_LIMIT": (1, "month"),
    # Warn the case's mediators this many days before the time limit ends.
    "WARNING_DAYS": 3,
    # An extension (both parties consenting) adds at most this many days at a time.
    "EXTENSION_MAX_DAYS": 30,
    # Judicial confirmation: the parties apply jointly within 30 days of the agreement taking effect;
    # remind this many days before the window closes. The court decides within 15 days (+10).
    "CONFIRMATION_WINDOW_DAYS": 30,
    "CONFIRMATION_REMINDER_DAYS": 7,
    "COURT_DECISION_DAYS": 15,
    # Session reminders go out this many hours before the session.
    "SESSION_REMINDER_HOURS": 24,
    # A mediator with this many open cases is shown as fully booked unless their own limit says otherwise.
    "DEFAULT_MAX_CASELOAD": 8,
    # Case number word per organisation kind: 〔2026〕坪人调字第12号. Sequences run per year and kind.
    "NUMBER_PREFIXES": {
        "hub": "坪人调",
        "street": "坪街人调",
        "community": "坪社人调",
        "labour": "坪劳人调",
        "industry": "坪行人调",
        "enterprise": "坪企劳调",
    },
    # Workers on one side from this many may elect representatives (劳动争议调解仲裁法).
    "GROUP_MIN_WORKERS": 10,
    "GROUP_MAX_REPRESENTATIVES": 5,
    # PDF rendering of agreements: Debian's Chromium in headless mode.
    "CHROMIUM_PATH": "",
    "PDF_TIMEOUT_SECONDS": 60,
}


def mediation_setting(key: str):
    """The configured value of ``key`` (``settings.MEDIATION[key]``) or its default."""
    configured = getattr(settings, "MEDIATION", None) or {}
    if key in configured:
        return configured[key]
    return DEFAULTS[key]
