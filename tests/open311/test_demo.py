"""The demo service definitions land on the demo leaves by name, and loading twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from open311.models import ServiceAttribute, ServiceDefinition
from tests.grievance.factories import MatterFactory

pytestmark = pytest.mark.django_db


def test_demo_definitions_by_leaf_name_idempotent():
    enforcement = MatterFactory.leaf(name="城管执法", middle="城市建设和市政管理", with_rule=False)
    noise = MatterFactory.leaf(name="噪音污染", top="环境保护", middle="环境污染", with_rule=False)
    MatterFactory.leaf(name="城管执法", middle="别的中类", with_rule=False)  # same leaf name elsewhere

    out = StringIO()
    call_command("open311_demo", stdout=out)
    assert "2" in out.getvalue()
    first = list(
        ServiceAttribute.objects.order_by("definition__matter__code", "order").values_list("code", flat=True)
    )
    call_command("open311_demo", stdout=StringIO())
    assert ServiceDefinition.objects.count() == 2
    again = list(
        ServiceAttribute.objects.order_by("definition__matter__code", "order").values_list("code", flat=True)
    )
    assert again == first

    stall_type = enforcement.open311_definition.attributes.get(code="stall_type")
    assert stall_type.datatype == "singlevaluelist" and stall_type.required
    assert {"key": "mobile", "name": "流动摊贩"} in stall_type.values
    assert noise.open311_definition.attributes.get(code="emergency_note").variable is False
