"""Generated codes for demo and test data: valid by construction, and not those of real subjects.

Demo organisation codes use the 9-digit body ``9D`` + serial, a range we chose for generated data;
demo ID numbers use birth dates in 1980–1999 and sequence numbers from 900.
"""

from datetime import date

from common.validators import ID_CHECK, ID_WEIGHTS, org_code_check_char, uscc_check_char

DEMO_REGION = "440310"


def uscc_make(serial: int, *, region: str = DEMO_REGION, authority: str = "9", entity_type: str = "1") -> str:
    """A valid 18-character USCC: authority, type, region, organisation code (with its check), check."""
    body = f"9{serial:07d}"
    first17 = f"{authority}{entity_type}{region}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


def citizen_id_make(serial: int, *, region: str = DEMO_REGION, born: date | None = None) -> str:
    """A valid 18-character resident ID number; odd ``serial`` → odd sequence (male)."""
    born = born or date(1980 + serial % 20, serial % 12 + 1, serial % 28 + 1)
    first17 = f"{region}{born:%Y%m%d}{900 + serial % 100:03d}"
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]
