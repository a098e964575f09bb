"""Case numbers: 〔2026〕坪人调字第12号 — a sequence per year and organisation kind, without gaps or
duplicates under concurrency (the sequence row is locked until the caller's transaction ends)."""

from django.db import transaction

from mediation.conf import mediation_setting
from mediation.models import CaseNumberSequence


def case_number_format(*, year: int, kind: str, sequence: int) -> str:
    prefix = mediation_setting("NUMBER_PREFIXES").get(kind, "坪人调")
    return f"〔{year}〕{prefix}字第{sequence}号"


def case_number_next(*, year: int, kind: str) -> tuple[int, str]:
    """Take the next number of (``year``, ``kind``): ``(sequence, number)``. Must run inside the
    transaction that stores the case, so a rolled-back case gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_next must run inside the transaction that stores the case")
    # The first number of a year creates the row; ON CONFLICT DO NOTHING lets racing callers meet on it.
    CaseNumberSequence.objects.bulk_create([CaseNumberSequence(year=year, kind=kind)], ignore_conflicts=True)
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year, kind=kind)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last, case_number_format(year=year, kind=kind, sequence=sequence.last)
