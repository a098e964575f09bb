"""The one door from mediation to the credit ledger (ARCHITECTURE.md §2: mediation calls
``credit.services``; credit imports nothing of ours).

An enterprise that does not perform a mediation agreement is recorded as a fact of kind
``mediation_unperformed``, identified by ``(mediation, <agreement id>:<credit code>)`` so a repeated
record adds nothing. The ledger's refusal (e.g. a date outside its rule versions) must not undo the
mediator's record of performance: the call runs in a savepoint and a refusal is logged.
"""

import logging
from datetime import date

from django.db import transaction

from common.exceptions import ApplicationError

logger = logging.getLogger(__name__)

FACT_KIND = "mediation_unperformed"


def credit_unperformed_agreement_record(
    *, credit_code: str, name: str, agreement_id: int, case_number: str, occurred_on: date, actor=None
) -> bool:
    """Record the fact; True when the ledger holds it, False when credit is missing or refused it."""
    try:
        from credit.services.facts import credit_fact_record
    except ImportError:
        logger.warning(
            "credit services missing: unperformed agreement %s of %s not recorded", agreement_id, credit_code
        )
        return False
    try:
        with transaction.atomic():
            credit_fact_record(
                subject_code=credit_code,
                kind=FACT_KIND,
                source="mediation",
                source_ref=f"{agreement_id}:{credit_code}",
                title=f"未履行人民调解协议（{case_number}）",
                occurred_on=occurred_on,
                subject_name=name,
                data={"case_number": case_number},
                actor=actor,
            )
    except ApplicationError as exc:
        logger.warning(
            "credit refused the fact of agreement %s: %s %s", agreement_id, exc.message, exc.errors
        )
        return False
    return True
