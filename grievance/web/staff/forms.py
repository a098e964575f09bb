"""Forms of the staff pages: they parse what a page posts into the shapes the services take.

No business rules here: the services validate (intake, the transition service) and their field
errors are put back on the form (``form_errors_from``) so the page shows them next to the inputs.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError
from grievance.models.complaints import Disposition, Satisfaction, Status, Urgency
from grievance.models.matters import ComplaintKind

SORT_CHOICES = [
    ("-received", _("受理时间（新→旧）")),
    ("received", _("受理时间（旧→新）")),
    ("deadline", _("办理期限（近→远）")),
    ("-deadline", _("办理期限（远→近）")),
]


def _blank(choices) -> list:
    return [("", _("全部")), *choices]


class ListFilterForm(forms.Form):
    """The filter bar of every list: status, kind, unit, received between two dates, sort order."""

    status = forms.ChoiceField(label=_("状态"), choices=_blank(Status.choices), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=_blank(ComplaintKind.choices), required=False)
    unit = forms.CharField(label=_("承办单位编码"), max_length=32, required=False)
    date_from = forms.DateField(
        label=_("受理日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("受理日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, hide_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if hide_status:
            del self.fields["status"]

    def filters(self) -> dict:
        """The selector filters (``complaint_list_for_actor`` keys); {} when the form is invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        found = {
            "status": data.get("status"),
            "kind": data.get("kind"),
            "unit": (data.get("unit") or "").strip(),
            "from": data["date_from"].isoformat() if data.get("date_from") else "",
            "to": data["date_to"].isoformat() if data.get("date_to") else "",
        }
        return {key: value for key, value in found.items() if value}

    def sort_value(self) -> str | None:
        if not self.is_valid():
            return None
        return self.cleaned_data.get("sort") or None


def form_errors_from(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's error on ``form``: its message on top, each field error on its field when the
    form has it (else on top too)."""
    form.add_error(None, error.message)
    for field, messages in (error.errors or {}).items():
        for message in messages if isinstance(messages, (list, tuple)) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))


class OperatorIntakeForm(forms.Form):
    """A call in progress: caller first (their history appears as the number is typed), then the matter."""

    contact_phone = forms.CharField(label=_("来电号码"), max_length=32, required=False)
    contact_name = forms.CharField(label=_("来电人"), max_length=64, required=False)
    anonymous = forms.BooleanField(label=_("来电人要求匿名"), required=False)
    received_at = forms.DateTimeField(
        label=_("来电时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    kind = forms.ChoiceField(
        label=_("诉求类型"), choices=ComplaintKind.choices, initial=ComplaintKind.CONSULT
    )
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), max_length=4000, required=False, widget=forms.Textarea)
    matter = forms.CharField(label=_("事项编码"), max_length=32, required=False)
    address = forms.CharField(label=_("地址"), max_length=255, required=False)
    answer = forms.CharField(label=_("直接答复"), max_length=4000, required=False, widget=forms.Textarea)

    def __init__(self, *args, operator: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not operator:  # only hotline operators record the real call time (intake rule)
            del self.fields["received_at"]
        else:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.fields["received_at"].initial = now
            self.fields["received_at"].widget.attrs.update(
                min=(now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), max=now.strftime("%Y-%m-%dT%H:%M")
            )

    def service_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
        data["anonymous"] = bool(self.cleaned_data.get("anonymous"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one input (phones pick or shoot several photos at once)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class HazardReportForm(forms.Form):
    """A grid worker's report from the street: what, where (device location), photos, done on the spot?"""

    kind = forms.ChoiceField(label=_("类型"), choices=ComplaintKind.choices, initial=ComplaintKind.REPORT)
    title = forms.CharField(label=_("隐患/问题"), max_length=200)
    description = forms.CharField(label=_("情况说明"), max_length=4000, required=False, widget=forms.Textarea)
    lat = forms.FloatField(label=_("纬度"), required=False)
    lng = forms.FloatField(label=_("经度"), required=False)
    address = forms.CharField(label=_("地址/位置描述"), max_length=255, required=False)
    contact_phone = forms.CharField(label=_("本人联系电话"), max_length=32, required=False)
    photos = PhotosField(label=_("现场照片"), required=False)
    resolve_on_spot = forms.BooleanField(label=_("已当场处置"), required=False)
    result = forms.CharField(label=_("处置情况"), max_length=4000, required=False, widget=forms.Textarea)

    def service_data(self) -> dict:
        keys = ("kind", "title", "description", "lat", "lng", "address", "contact_phone")
        return {key: self.cleaned_data[key] for key in keys if self.cleaned_data.get(key) not in (None, "")}

    def resolve_result(self) -> str:
        if not self.cleaned_data.get("resolve_on_spot"):
            return ""
        return (self.cleaned_data.get("result") or "").strip() or str(_("已当场处置"))


# Parameters each workflow action takes from a posted form; a trailing "*" reads every value.
ACTION_FIELDS = {
    "dispatch": ("unit", "co_units*", "note"),
    "sign": ("note",),
    "return": ("reason",),
    "request_extension": ("days", "reason"),
    "approve_extension": ("note",),
    "reject_extension": ("note",),
    "co_reply": ("reply",),
    "submit_result": ("result",),
    "verify": ("passed", "note"),
    "return_visit": ("resolved", "satisfaction", "note"),
    "reopen": ("reason",),
    "close": ("note",),
    "answer": ("answer",),
    "merge": ("into", "note"),
    "dispose": ("disposition", "note"),
    "escalate": ("note",),
    "resolve_on_spot": ("result",),
    "supervise": ("level", "note"),
    "psych_refer": ("note",),
    "withdraw": ("note",),
}
# Actions whose forms carry photos.
PHOTO_ACTIONS = frozenset({"submit_result", "resolve_on_spot", "verify"})


def action_params(action: str, post) -> dict:
    """The parameters of ``action`` from a posted QueryDict (an unknown action takes none: the service
    refuses it)."""
    params = {}
    for name in ACTION_FIELDS.get(action, ()):
        if name.endswith("*"):
            key = name[:-1]
            values = [v.strip() for v in post.getlist(key) if v.strip()]
            params[key] = values
        else:
            value = post.get(name)
            if value is not None and value.strip() != "":
                params[name] = value.strip()
    return params


DISPOSITION_CHOICES = Disposition.choices
SATISFACTION_CHOICES = Satisfaction.choices
