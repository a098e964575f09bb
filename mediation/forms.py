"""Form posts of the mediation pages → the plain dicts the services take. Parsing only: every rule is
checked by the services (one place), whose field errors the pages show next to the fields."""

from django.utils.translation import gettext_lazy as _

from mediation.models import (
    AgreementForm,
    AssignmentHow,
    CaseSource,
    ConfirmationStatus,
    DisputeType,
    PartyKind,
    PartyRole,
    PerformanceStatus,
    Sex,
    VisitMethod,
)

PARTY_FIELDS = (
    "kind",
    "name",
    "sex",
    "ethnicity",
    "occupation",
    "id_number",
    "phone",
    "address",
    "credit_code",
    "legal_representative",
)
CASE_FIELDS = (
    "organisation",
    "dispute_type",
    "source",
    "source_reference",
    "summary",
    "claims",
    "amount",
    "oral_application_record",
    "applied_at",
)
# Fields a page posts for each action; lists come from repeated inputs (checkboxes).
LIST_FIELDS = {"attendees", "consents"}


def _party_from_post(post, prefix: str, role: str) -> dict | None:
    values = {field: (post.get(f"{prefix}_{field}") or "").strip() for field in PARTY_FIELDS}
    if not values["name"]:
        return None
    values["role"] = role
    values["kind"] = values["kind"] or PartyKind.PERSON
    return {key: value for key, value in values.items() if value}


def application_from_post(post) -> dict:
    """The registration form: case fields plus one applicant and one respondent (more are added on the
    case page)."""
    data = {field: (post.get(field) or "").strip() for field in CASE_FIELDS}
    data["wage_arrears"] = post.get("wage_arrears") == "on"
    data = {key: value for key, value in data.items() if value not in ("", None)}
    parties = [
        _party_from_post(post, "applicant", PartyRole.APPLICANT),
        _party_from_post(post, "respondent", PartyRole.RESPONDENT),
    ]
    data["parties"] = [party for party in parties if party]
    return data


def conversion_from_post(post) -> dict:
    data = {
        field: (post.get(field) or "").strip()
        for field in ("organisation", "dispute_type", "summary", "claims", "amount", "note")
    }
    data["wage_arrears"] = post.get("wage_arrears") == "on"
    data = {key: value for key, value in data.items() if value not in ("", None)}
    respondent = _party_from_post(post, "respondent", PartyRole.RESPONDENT)
    data["parties"] = [respondent] if respondent else []
    return data


def action_from_post(post, files) -> tuple[str, dict, dict]:
    """``(action, params, files)`` from an action form of the case page."""
    action = (post.get("action") or "").strip()
    params: dict = {}
    for key in post:
        if key in ("csrfmiddlewaretoken", "action"):
            continue
        if key in LIST_FIELDS:
            params[key] = post.getlist(key)
        elif key.startswith("party_"):
            continue
        else:
            params[key] = post.get(key)
    for flag in ("signed_by_parties", "signed_by_mediator", "sealed", "lead"):
        if flag in post:
            params[flag] = post.get(flag) == "on"
    if action == "add_party":
        party = {
            field: post.get(f"party_{field}", "").strip() for field in (*PARTY_FIELDS, "role", "group_size")
        }
        params["party"] = {key: value for key, value in party.items() if value}
        if params["party"].get("kind") == PartyKind.GROUP:
            params["party"]["representatives"] = representatives_from_text(
                post.get("party_representatives", "")
            )
    if action == "update_party":
        fields = {field: post.get(f"party_{field}", "").strip() for field in PARTY_FIELDS if field != "kind"}
        params["fields"] = {key: value for key, value in fields.items() if value}
    return action, params, {key: files[key] for key in files}


def representatives_from_text(text: str) -> list[dict]:
    """One elected representative per line: ``姓名，身份证号，电话`` (commas or spaces)."""
    representatives = []
    for line in (text or "").splitlines():
        parts = [p for p in line.replace("，", ",").replace(" ", ",").split(",") if p.strip()]
        if parts:
            keys = ("name", "id_number", "phone")
            representatives.append({key: value.strip() for key, value in zip(keys, parts, strict=False)})
    return representatives


CHOICES = {
    "dispute_types": DisputeType.choices,
    "sources": [c for c in CaseSource.choices if c[0] != CaseSource.COMPLAINT],
    "party_roles": PartyRole.choices,
    "party_kinds": PartyKind.choices,
    "individual_kinds": [c for c in PartyKind.choices if c[0] != PartyKind.GROUP],
    "sexes": Sex.choices,
    "assignment_hows": AssignmentHow.choices,
    "agreement_forms": AgreementForm.choices,
    "performance_results": [c for c in PerformanceStatus.choices if c[0] != PerformanceStatus.PENDING],
    "confirmation_steps": [c for c in ConfirmationStatus.choices if c[0] != ConfirmationStatus.NONE],
    "visit_methods": VisitMethod.choices,
}
BOOLEAN_CHOICES = [("true", _("是")), ("false", _("否"))]
