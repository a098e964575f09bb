"""Partner API keys: create (the secret is returned once), revoke, authenticate, rate-limit.

The rate limit is a fixed one-minute window per key in the shared Django cache (Redis in production),
so every web process counts the same POSTs.
"""

import hashlib
import secrets
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from open311.conf import open311_setting
from open311.models import ApiKey

NAME_MAX = 64
# The last-used time is written at most this often per key (not on every request).
LAST_USED_PRECISION_SECONDS = 60


class RateLimitedError(ApplicationError):
    status = 429


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_key_create(
    *, name: str, contact: str = "", rate_limit_per_minute: int | None = None, created_by=None
) -> tuple[ApiKey, str]:
    """A new key for the partner ``name``; returns (key row, secret). Only the hash is stored."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("必填")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("不能超过%(n)d个字符") % {"n": NAME_MAX}]
    elif ApiKey.objects.filter(name=name).exists():
        errors["name"] = [_("该名称已有密钥；如需更换，请先吊销旧密钥并使用新名称")]
    if rate_limit_per_minute is not None and (
        not isinstance(rate_limit_per_minute, int) or rate_limit_per_minute < 1
    ):
        errors["rate_limit_per_minute"] = [_("应为正整数")]
    if errors:
        raise ApplicationError(_("密钥信息有误"), errors=errors)
    raw = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name,
        prefix=raw[:8],
        key_hash=api_key_hash(raw),
        contact=(contact or "").strip()[:128],
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, name: str, now: datetime | None = None) -> ApiKey:
    """Revoke the key of partner ``name`` (idempotent: revoking twice keeps the first time)."""
    key = ApiKey.objects.select_for_update().filter(name=(name or "").strip()).first()
    if key is None:
        raise NotFoundError(_("没有名为“%(name)s”的密钥") % {"name": name})
    if key.revoked_at is None:
        key.revoked_at = now or timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    return key


def api_key_authenticate(*, raw_key: str | None, now: datetime | None = None) -> ApiKey:
    """The active key for ``raw_key``; 403 when it is missing, unknown or revoked. Records last use."""
    if not raw_key:
        raise PermissionDeniedError(_("缺少 api_key"), errors={"api_key": [_("必填")]})
    key = ApiKey.objects.filter(key_hash=api_key_hash(raw_key)).first()
    if key is None:
        raise PermissionDeniedError(_("api_key 无效"), errors={"api_key": [_("无效")]})
    if key.revoked_at is not None:
        raise PermissionDeniedError(_("api_key 已被吊销"), errors={"api_key": [_("已吊销")]})
    now = now or timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_rate_limit(key: ApiKey) -> int:
    return key.rate_limit_per_minute or int(open311_setting("RATE_LIMIT_PER_MINUTE"))


def api_key_throttle(*, key: ApiKey, now: datetime | None = None) -> None:
    """Count one POST for ``key`` in the current minute; 429 once the key's limit is used up."""
    now = now or timezone.now()
    window = int(now.timestamp()) // 60
    cache_key = f"open311:rate:{key.pk}:{window}"
    cache.add(cache_key, 0, timeout=120)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=120)
        count = 1
    limit = api_key_rate_limit(key)
    if count > limit:
        raise RateLimitedError(
            _("提交过于频繁：每分钟最多 %(n)d 次，请稍后再试") % {"n": limit},
            errors={"api_key": [_("超出频率限制")]},
        )
