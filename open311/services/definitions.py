"""Service definitions: set a leaf matter's extra questions, and check a partner's answers to them.

An attribute spec is ``{"code", "datatype", "description", "required", "variable", "order",
"datatype_description", "values": [{"key", "name"}]}``; list types need at least one value, other
types none. Answers arrive as lists of strings (a form field may repeat); ``attribute_answers_clean``
returns them typed: str, float, ISO 8601 datetime string, or a list of keys (multivaluelist).
"""

import math
import re

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grievance.models import Matter
from open311.models import AttributeType, ServiceAttribute, ServiceDefinition
from open311.timefmt import open311_datetime_format, open311_datetime_parse

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LIST_TYPES = (AttributeType.SINGLE, AttributeType.MULTI)
STRING_MAX = 255
TEXT_MAX = 4000


def attribute_spec_errors(spec: dict) -> list[str]:
    """What is wrong with one attribute spec (empty when usable)."""
    errors = []
    if not isinstance(spec, dict):
        return [_("属性应为对象")]
    if not CODE_RE.match(str(spec.get("code") or "")):
        errors.append(_("属性编码只能包含字母、数字、下划线和连字符"))
    if spec.get("datatype") not in AttributeType.values:
        errors.append(_("类型应为：%(types)s") % {"types": ", ".join(AttributeType.values)})
    if not str(spec.get("description") or "").strip():
        errors.append(_("请填写说明"))
    errors += attribute_values_errors(spec.get("datatype"), spec.get("values") or [])
    return errors


def attribute_values_errors(datatype: str, values) -> list[str]:
    """Options of a list attribute: a non-empty list of {"key", "name"} with distinct keys."""
    if not isinstance(values, list):
        return [_("选项应为列表")]
    if datatype not in LIST_TYPES:
        return [_("只有单选和多选属性可以有选项")] if values else []
    if not values:
        return [_("单选和多选属性至少需要一个选项")]
    keys = []
    for value in values:
        if not (
            isinstance(value, dict) and str(value.get("key") or "").strip() and str(value.get("name") or "")
        ):
            return [_('每个选项应为 {"key": ..., "name": ...}')]
        keys.append(str(value["key"]).strip())
    if len(set(keys)) != len(keys):
        return [_("选项的 key 不能重复")]
    return []


@transaction.atomic
def service_definition_set(*, matter: Matter, attributes: list[dict]) -> ServiceDefinition:
    """Replace the definition of leaf ``matter`` with ``attributes`` (an empty list keeps an empty one)."""
    if matter.level != 3:
        raise ApplicationError(_("只有小类事项可以定义服务属性"), errors={"matter": [_("应为小类")]})
    errors: dict[str, list[str]] = {}
    codes = [str(spec.get("code")) for spec in attributes if isinstance(spec, dict)]
    for index, spec in enumerate(attributes):
        for message in attribute_spec_errors(spec):
            errors.setdefault(f"attributes[{index}]", []).append(message)
    if len(set(codes)) != len(codes):
        errors.setdefault("attributes", []).append(_("属性编码不能重复"))
    if errors:
        raise ApplicationError(_("服务定义有误"), errors=errors)
    definition, _created = ServiceDefinition.objects.get_or_create(matter=matter)
    definition.attributes.all().delete()
    ServiceAttribute.objects.bulk_create(
        ServiceAttribute(
            definition=definition,
            code=spec["code"],
            datatype=spec["datatype"],
            description=str(spec["description"]).strip()[:255],
            required=bool(spec.get("required", False)),
            variable=bool(spec.get("variable", True)),
            order=int(spec.get("order") or index + 1),
            datatype_description=str(spec.get("datatype_description") or "")[:255],
            values=[{"key": str(v["key"]).strip(), "name": str(v["name"])} for v in spec.get("values") or []],
        )
        for index, spec in enumerate(attributes)
    )
    definition.save(update_fields=["updated_at"])
    return definition


def _one_answer(attribute: ServiceAttribute, texts: list[str]):
    """(typed value, error message or None) for a variable attribute with at least one non-empty text."""
    keys = {str(v.get("key")) for v in attribute.values or []}
    if attribute.datatype == AttributeType.MULTI:
        chosen = list(dict.fromkeys(texts))
        unknown = [t for t in chosen if t not in keys]
        if unknown:
            return None, _("未知选项：%(values)s") % {"values": ", ".join(unknown)}
        return chosen, None
    if len(texts) > 1:
        return None, _("只能填写一个值")
    text = texts[0]
    if attribute.datatype == AttributeType.SINGLE:
        return (text, None) if text in keys else (None, _("未知选项：%(value)s") % {"value": text})
    if attribute.datatype == AttributeType.NUMBER:
        try:
            number = float(text)
        except ValueError:
            return None, _("应为数字")
        return (number, None) if math.isfinite(number) else (None, _("应为数字"))
    if attribute.datatype == AttributeType.DATETIME:
        moment = open311_datetime_format(open311_datetime_parse(text))
        return (moment, None) if moment else (None, _("应为 ISO 8601 日期时间，如 2026-05-06T09:30:00+08:00"))
    limit = TEXT_MAX if attribute.datatype == AttributeType.TEXT else STRING_MAX
    if len(text) > limit:
        return None, _("不能超过%(n)d个字符") % {"n": limit}
    return text, None


def attribute_answers_clean(
    *, definition: ServiceDefinition | None, answers: dict[str, list[str]]
) -> tuple[dict, dict[str, list[str]]]:
    """(typed answers to the definition's variable attributes, errors by ``attribute[code]``).

    Answers to codes the definition does not ask are ignored (FixMyStreet-style clients send their own,
    e.g. ``attribute[fixmystreet_id]``); a required attribute without an answer is an error."""
    clean, errors = {}, {}
    attributes = list(definition.attributes.all()) if definition is not None else []
    for attribute in attributes:
        if not attribute.variable:
            continue
        texts = [t.strip() for t in answers.get(attribute.code, []) if isinstance(t, str) and t.strip()]
        field = f"attribute[{attribute.code}]"
        if not texts:
            if attribute.required:
                errors[field] = [_("必填")]
            continue
        value, error = _one_answer(attribute, texts)
        if error:
            errors[field] = [error]
        else:
            clean[attribute.code] = value
    return clean, errors
