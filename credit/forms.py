"""The staff form for recording an administrative penalty (the "双公示" items)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.models import Severity

# Kinds of administrative penalty (行政处罚法 2021, art. 9).
PENALTY_CATEGORIES = [
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "其他",
]


class PenaltyForm(forms.Form):
    subject_code = forms.CharField(
        label=_("行政相对人代码"), max_length=40, help_text=_("统一社会信用代码或身份证号")
    )
    department = forms.ChoiceField(label=_("处罚机关"))
    title = forms.CharField(label=_("违法行为类型"), max_length=200)
    decision_number = forms.CharField(label=_("行政处罚决定书文号"), max_length=128)
    decision_date = forms.DateField(label=_("处罚决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    severity = forms.ChoiceField(
        label=_("失信程度"),
        choices=[(s.value, s.label) for s in Severity if s != Severity.INFO],
        initial=Severity.GENERAL,
    )
    category = forms.ChoiceField(label=_("处罚类别"), choices=[(c, c) for c in PENALTY_CATEGORIES])
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("处罚依据"), widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("处罚内容"), widget=forms.Textarea(attrs={"rows": 2}))
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    internal_note = forms.CharField(
        label=_("内部备注（不公开）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            (str(unit.pk), f"{unit.name}（{unit.code}）") for unit in departments
        ]
        if len(self.fields["department"].choices) == 1:
            self.fields["department"].initial = self.fields["department"].choices[0][0]
