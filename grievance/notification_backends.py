"""Delivery backends of notifications: in-app, e-mail through Django's mail, SMS behind an interface.

A backend's ``send(notification)`` either returns (delivered), raises ``NotificationTransientError``
(try again later: the task retries with backoff) or ``NotificationPermanentError`` (never retried).
The SMS provider is chosen by ``settings.GRIEVANCE["SMS_BACKEND"]`` (a dotted class path); the
default only logs, with the phone number masked.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from common.validators import mask_phone
from grievance.models.notifications import Notification, NotificationChannel

logger = logging.getLogger(__name__)

DEFAULT_SMS_BACKEND = "grievance.notification_backends.LoggingSmsBackend"
# SMS texts longer than this are cut (providers bill per 70-character segment; keep it to a few).
SMS_MAX_CHARS = 300


class NotificationTransientError(Exception):
    """Delivery failed for a reason that may pass (timeout, provider busy): retry later."""


class NotificationPermanentError(Exception):
    """Delivery can never succeed (no address, rejected number): do not retry."""


class InAppBackend:
    """The stored row is the message; users list their rows through the API."""

    def send(self, notification: Notification) -> None:
        return None


class EmailBackend:
    def send(self, notification: Notification) -> None:
        if not notification.address:
            raise NotificationPermanentError("no e-mail address")
        try:
            send_mail(
                subject=notification.title,
                message=notification.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.address],
                fail_silently=False,
            )
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise NotificationPermanentError(exc.__class__.__name__) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise NotificationTransientError(exc.__class__.__name__) from exc


class SmsBackend:
    """Interface of an SMS provider. Subclasses implement ``send_sms``; ``key`` is the notification's
    idempotency key, for providers that deduplicate on a client message id."""

    def send(self, notification: Notification) -> None:
        if not notification.address:
            raise NotificationPermanentError("no phone number")
        self.send_sms(
            phone=notification.address, text=sms_text(notification), key=notification.idempotency_key
        )

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Default SMS backend: writes the message to the log instead of a provider; the phone is masked."""

    def send_sms(self, *, phone: str, text: str, key: str) -> None:
        logger.info("SMS to %s [%s]: %s", mask_phone(phone), key, text)


def sms_text(notification: Notification) -> str:
    text = f"【{notification.title}】{notification.body}".strip()
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"


def sms_backend() -> SmsBackend:
    path = settings.GRIEVANCE.get("SMS_BACKEND") or DEFAULT_SMS_BACKEND
    return import_string(path)()


def backend_for(channel: str):
    """The backend that delivers ``channel`` (a ``NotificationChannel`` value)."""
    if channel == NotificationChannel.SMS:
        return sms_backend()
    if channel == NotificationChannel.EMAIL:
        return EmailBackend()
    if channel == NotificationChannel.IN_APP:
        return InAppBackend()
    raise NotificationPermanentError(f"unknown channel {channel!r}")
