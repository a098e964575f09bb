"""Personal data out of free text: masking of phone and ID numbers, and the logging filter using it.

Invariants:
- ``personal_data_mask`` replaces every resident ID number (18 characters, GB 11643 shape), mainland
  mobile number (11 digits starting 13–19, optionally +86) and landline with area code by its masked
  form (``common.validators.mask_*``); a digit run that is part of a longer number (an id, a code, a
  timestamp) is left alone, so masking never corrupts codes the platform uses (15-digit grid codes,
  18-character credit codes with letters).
- ``PersonalDataLogFilter`` (installed on every handler in ``LOGGING``) applies it to the formatted
  message and to a traceback's text before any handler writes the record, so personal data never
  reaches a log file, whatever a caller puts into a message or an exception.
"""

import logging
import re

from common.validators import mask_id_number, mask_phone

ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])")


def _mobile(match: re.Match) -> str:
    return mask_phone("".join(match.groups()))


def personal_data_mask(text: str) -> str:
    """``text`` with ID numbers, mobile and landline numbers masked (idempotent)."""
    if not text:
        return text
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    text = MOBILE_RE.sub(_mobile, text)
    return LANDLINE_RE.sub(lambda m: mask_phone(m.group(0)), text)


class PersonalDataLogFilter(logging.Filter):
    """Masks personal data in the record's message and traceback; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler's own error reporting
            return True
        masked = personal_data_mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = personal_data_mask(record.exc_text)
        if record.stack_info:
            record.stack_info = personal_data_mask(record.stack_info)
        return True
