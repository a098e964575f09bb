"""Subject codes: normalising what people type, and the keyed hash that finds a person by ID number.

The full ID number of a natural person is not stored (DOMAIN.md §5: stored and shown masked). The hash
is an HMAC keyed by the setting ``CREDIT_ID_HASH_KEY`` (default: ``SECRET_KEY``), so the stored value
cannot be reversed by trying every possible number without the key. Changing the key orphans the
lookup keys of existing persons: set ``CREDIT_ID_HASH_KEY`` once, independently of ``SECRET_KEY``.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac

from common.validators import is_valid_citizen_id, mask_id_number

KEY_SALT = "credit.subject.id_number"


def code_normalize(code: str) -> str:
    """Upper case, without spaces or hyphens (codes are printed with separators on some licences)."""
    return "".join((code or "").split()).replace("-", "").upper()


def id_number_lookup_key(number: str) -> str:
    secret = getattr(settings, "CREDIT_ID_HASH_KEY", None) or settings.SECRET_KEY
    return salted_hmac(KEY_SALT, code_normalize(number), secret=secret, algorithm="sha256").hexdigest()


def lookup_keys_for(code: str) -> list[str]:
    """Keys a typed code may be stored under: the code itself (USCC) and, for an ID number, its hash."""
    code = code_normalize(code)
    keys = [code] if code else []
    if is_valid_citizen_id(code):
        keys.append(id_number_lookup_key(code))
    return keys


def id_number_masked(number: str) -> str:
    return mask_id_number(code_normalize(number))
