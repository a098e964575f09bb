"""Forms of the citizen portal: they parse what the browser sends and carry the services' errors back.

The rules live in the services (``complaint_submit``, ``attachment_add``, ``complaint_support_add``,
``complaint_rate``): these forms only turn posted strings into the service's arguments, and
``apply_errors`` puts an ``ApplicationError``'s ``{field: [...]}`` next to the matching field (unknown
fields become form-wide errors), so the page shows every message where it belongs. The one rule kept
here is the portal's own: at most ``PORTAL_MAX_PHOTOS`` photos with a complaint.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from grievance.models import ComplaintKind, Satisfaction
from grievance.services.attachments import attachment_max_bytes

PORTAL_MAX_PHOTOS = 5
PHOTO_TYPES = "image/jpeg,image/png,image/webp"
TITLE_MAX = 200
DESCRIPTION_MAX = 4000
COMMENT_MAX = 1000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files (Django's documented recipe for ``<input type=file multiple>``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class ServiceErrorsMixin:
    """``apply_errors(error)``: an ApplicationError's field errors onto this form's fields."""

    # Service field name → form field that shows it (None: form-wide).
    error_fields: dict[str, str | None] = {}

    def apply_errors(self, error: ApplicationError) -> None:
        if not error.errors:
            self.add_error(None, error.message)
            return
        for field, messages in error.errors.items():
            target = self.error_fields.get(field, field)
            if target not in self.fields:
                target = None
            for message in messages if isinstance(messages, (list, tuple)) else [messages]:
                self.add_error(target, str(message))


class ComplaintSubmitForm(ServiceErrorsMixin, forms.Form):
    """The citizen's complaint. Everything is optional here: ``complaint_submit`` decides what is
    required (title, kind, a location unless it is a consultation, a phone unless anonymous)."""

    error_fields = {
        "location": "address",
        "lat": "address",
        "lng": "address",
        "file": "photos",
        "urgency": None,
        "channel": None,
    }

    kind = forms.ChoiceField(label=_("诉求类型"), choices=ComplaintKind.choices, required=False)
    matter = forms.CharField(label=_("诉求分类"), required=False, max_length=64)
    title = forms.CharField(label=_("标题"), required=False, strip=False)
    description = forms.CharField(label=_("诉求内容"), required=False, strip=False)
    lat = forms.CharField(required=False, max_length=32)
    lng = forms.CharField(required=False, max_length=32)
    address = forms.CharField(label=_("地址"), required=False)
    contact_name = forms.CharField(label=_("联系人"), required=False)
    contact_phone = forms.CharField(label=_("联系电话"), required=False)
    anonymous = forms.BooleanField(label=_("匿名提交"), required=False)
    photos = MultipleFileField(label=_("照片"), required=False)

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > PORTAL_MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传%(n)d张照片") % {"n": PORTAL_MAX_PHOTOS})
        limit = attachment_max_bytes()
        too_big = [photo.name for photo in photos if photo.size > limit]
        if too_big:
            raise forms.ValidationError(
                _("照片不能超过 %(mb)s MB：%(names)s")
                % {"mb": f"{limit / (1024 * 1024):g}", "names": "、".join(too_big)}
            )
        return photos

    def complaint_data(self) -> dict:
        """The document ``complaint_submit`` takes (API.md "Complaints")."""
        data = self.cleaned_data
        values = {
            key: data.get(key) or ""
            for key in ("kind", "matter", "title", "description", "address", "contact_name", "contact_phone")
        }
        values["anonymous"] = bool(data.get("anonymous"))
        for key in ("lat", "lng"):
            if (data.get(key) or "").strip():
                values[key] = data[key].strip()
        return values


class SuggestForm(forms.Form):
    """What the live hints (category suggestion, similar complaints) read from the form being filled."""

    title = forms.CharField(required=False, max_length=TITLE_MAX)
    description = forms.CharField(required=False, max_length=DESCRIPTION_MAX)
    matter = forms.CharField(required=False, max_length=64)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)

    def point(self) -> tuple[float | None, float | None]:
        lat, lng = self.cleaned_data.get("lat"), self.cleaned_data.get("lng")
        return (lat, lng) if lat is not None and lng is not None else (None, None)


class SupportForm(forms.Form):
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=64)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=32)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=32)


class RateForm(ServiceErrorsMixin, forms.Form):
    """The citizen's rating; ``complaint_rate`` checks the values and whether a rating is due."""

    # Required here only to word the message for a person; the service checks the values again.
    resolved = forms.ChoiceField(
        label=_("问题是否已解决？"),
        choices=[("true", _("已解决")), ("false", _("未解决"))],
        error_messages={"required": _("请选择问题是否已解决")},
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果是否满意？"),
        choices=Satisfaction.choices,
        error_messages={"required": _("请选择满意程度")},
    )
    comment = forms.CharField(label=_("意见或建议（选填）"), required=False)

    def rate_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "resolved": data["resolved"],
            "satisfaction": data["satisfaction"],
            "comment": data.get("comment") or "",
        }
