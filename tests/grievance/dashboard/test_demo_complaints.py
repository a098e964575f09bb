"""``load_demo --complaints N``: a fresh demo gets a dashboard to look at, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from grievance.models import Complaint, DailyRollup


@pytest.mark.django_db
def test_demo_complaints_are_generated_once_with_their_rollups(shared_data_dir):
    call_command("load_demo", data_dir=str(shared_data_dir), complaints=60, stdout=StringIO())
    assert Complaint.objects.count() == 60
    assert DailyRollup.objects.exists()  # the dashboard reads these
    second = StringIO()
    call_command("load_demo", data_dir=str(shared_data_dir), complaints=60, stdout=second)
    assert Complaint.objects.count() == 60
    assert "none generated" in second.getvalue()


@pytest.mark.django_db
def test_no_complaints_are_generated_by_default(shared_data_dir):
    call_command("load_demo", data_dir=str(shared_data_dir), stdout=StringIO())
    assert not Complaint.objects.exists()
