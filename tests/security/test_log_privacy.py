"""Personal data never in logs (issue 11, §5): the filter installed on every LOGGING handler masks
phone and ID numbers in messages, arguments and tracebacks, and leaves codes the platform uses alone."""

import logging
import logging.config

import pytest
from django.conf import settings

from common.privacy import PersonalDataLogFilter, personal_data_mask

ID_NUMBER = "44031019800101123X"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来电 13812345678 反映", "来电 138****5678 反映"),
        ("+86 138-1234-5678", "138****5678"),
        ("座机 0755-83123456", "座机 075****3456"),
        (f"身份证 {ID_NUMBER}", "身份证 440310********123X"),
        (
            "grid 440310001001001 complaint 12345678901234567",
            "grid 440310001001001 complaint 12345678901234567",
        ),
        ("USCC 91440300MA5DXXXX1X", "USCC 91440300MA5DXXXX1X"),
        ("id=1234, at 2026-11-25 13:45", "id=1234, at 2026-11-25 13:45"),
    ],
)
def test_masking(text, expected):
    assert personal_data_mask(text) == expected
    assert personal_data_mask(expected) == expected


def test_every_configured_handler_masks_messages_args_and_tracebacks(tmp_path):
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("personal_data" in h.get("filters", []) for h in handlers.values())
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False  # workers log through these handlers

    path = tmp_path / "app.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(PersonalDataLogFilter())
    logger = logging.getLogger("tests.security.privacy")
    logger.addHandler(handler)
    try:
        logger.warning("submit from %s (id %s)", "13812345678", ID_NUMBER)
        try:
            raise ValueError("bad phone 13900001111")
        except ValueError:
            logger.exception("failed for %s", "13700009999")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = path.read_text(encoding="utf-8")
    assert "138****5678" in text and "ValueError: bad phone 139****1111" in text
    for secret in ("13812345678", ID_NUMBER, "13900001111", "13700009999"):
        assert secret not in text
