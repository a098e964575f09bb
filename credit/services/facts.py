"""Facts that other apps report to the ledger (ARCHITECTURE.md §2: credit is a ledger; it imports none).

Mediation reports an unperformed agreement, grievance a complaint upheld against an enterprise, an
import a court's dishonest judgment-debtor list: each calls ``credit_fact_record`` once per fact,
identified by ``(source, source_ref)`` so a retry records nothing twice.
"""

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from common.validators import is_valid_citizen_id, is_valid_uscc
from credit.identity import code_normalize
from credit.models import CreditRecord, RecordKind, SubjectKind
from credit.selectors.subjects import subject_get_by_code
from credit.services.records import record_write
from credit.services.subjects import subject_create
from grids.models import Unit

# Licences and penalties are decisions a department records itself, with the "双公示" items.
FACT_KINDS = frozenset(RecordKind.values) - {RecordKind.LICENCE, RecordKind.PENALTY}
SOURCE_NAMES = {"mediation": _("人民调解"), "grievance": _("诉求办理"), "court": _("人民法院")}


@transaction.atomic
def credit_fact_record(
    *,
    subject_code: str,
    kind: str,
    source: str,
    source_ref: str,
    title: str,
    occurred_on: date,
    severity: str | None = None,
    subject_name: str = "",
    subject_kind: str = "",
    department_code: str | None = None,
    department_name: str = "",
    note: str = "",
    data: Mapping | None = None,
    actor=None,
) -> CreditRecord:
    """Record a fact about the subject with ``subject_code`` (USCC or ID number); idempotent by source.

    An unknown subject is registered when the code is valid (a name is then required); its kind is
    ``subject_kind`` or, if not given, legal for a valid USCC and natural for a valid ID number.
    Such facts are internal unless their kind is public by rule (credit.rules.KIND_RULES). ``actor`` is
    who reported it (None: the reporting app itself); the calling app has already decided it may report.
    """
    source, source_ref = (source or "").strip()[:32], (source_ref or "").strip()[:64]
    if not source or not source_ref:
        raise ApplicationError(_("缺少来源"), errors={"source_ref": [_("source 和 source_ref 必填")]})
    existing = CreditRecord.objects.filter(source=source, source_ref=source_ref).first()
    if existing is not None:
        return existing
    if kind not in FACT_KINDS:
        raise ApplicationError(_("信息类别无效"), errors={"kind": [_("不能通过此接口记录该类别")]})
    subject = subject_get_by_code(subject_code)
    if subject is None:
        code = code_normalize(subject_code)
        if not subject_kind:
            natural = not is_valid_uscc(code) and is_valid_citizen_id(code)
            subject_kind = SubjectKind.NATURAL if natural else SubjectKind.LEGAL
        subject = subject_create(
            kind=subject_kind,
            code=code,
            name=subject_name or "",
            actor=None,
        )
    department = None
    if department_code:
        department = Unit.objects.filter(code=department_code).first()
        if department is None:
            raise ApplicationError(_("来源部门不存在"), errors={"department": [department_code]})
    return record_write(
        subject=subject,
        kind=kind,
        title=title,
        decision_date=occurred_on,
        severity=severity,
        department=department,
        department_name=department_name or str(SOURCE_NAMES.get(source, source)),
        internal_note=note,
        data=data,
        source=source,
        source_ref=source_ref,
        recorded_by=actor,
    )
