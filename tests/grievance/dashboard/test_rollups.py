"""The rollup machinery: state-based refresh (replays change nothing), the catch-up sweep's
high-water mark, the rebuild, the pipeline hook and the bulk writer."""

from datetime import timedelta

import pytest

from grievance.models import ComplaintFact, ComplaintUnitFact, DailyRollup, RollupGrain, RollupState, Status
from grievance.selectors.dashboard import dashboard_overview
from grievance.services.rollups import (
    CATCH_UP_STATE,
    _copy_text,
    complaint_rollup_refresh,
    rollups_catch_up,
    rollups_rebuild,
)
from tests.grievance.actors import complaint_new
from tests.grievance.dashboard.conftest import NOW


def street_row(people):
    return DailyRollup.objects.get(grain=RollupGrain.STREET, street_id=people.territory.street.pk)


@pytest.mark.django_db
def test_a_refresh_moves_the_contribution_and_a_second_refresh_changes_nothing(people):
    complaint = complaint_new(people, received_at=NOW - timedelta(days=1))
    assert complaint_rollup_refresh(complaint_id=complaint.pk) is True
    assert complaint_rollup_refresh(complaint_id=complaint.pk) is False  # replay: already current
    row = street_row(people)
    assert (row.received, row.closed) == (1, 0)
    complaint.status = Status.CLOSED
    complaint.save()
    assert complaint_rollup_refresh(complaint_id=complaint.pk) is True
    row.refresh_from_db()
    assert (row.received, row.closed) == (1, 1)  # moved, not added
    complaint.received_at = NOW - timedelta(days=3)
    complaint.save()
    complaint_rollup_refresh(complaint_id=complaint.pk)
    days = dict(DailyRollup.objects.filter(grain=RollupGrain.STREET).values_list("day", "received"))
    assert days == {(NOW - timedelta(days=1)).date(): 0, (NOW - timedelta(days=3)).date(): 1}


@pytest.mark.django_db
def test_the_pipeline_refreshes_the_rollups_of_every_committed_event(people, pipeline):
    complaint = complaint_new(people, received_at=NOW - timedelta(days=1))
    pipeline.transition(
        complaint_id=complaint.pk, action="dispatch", params={"unit": people.community.code}, now=NOW
    )
    assert dashboard_overview(now=NOW)["dispatched"] == 1
    assert ComplaintUnitFact.objects.get().unit_id == people.community.pk
    for event_id in pipeline.processed:
        pipeline.replay(event_id)
    assert dashboard_overview(now=NOW)["dispatched"] == 1


@pytest.mark.django_db
def test_the_catch_up_sweep_sees_submit_events_once(people, pipeline):
    from grievance.services.intake import complaint_submit

    t = people.territory
    data = {"title": "井盖缺失", "kind": "complaint", "lat": t.inside[0], "lng": t.inside[1]}
    data |= {"contact_name": "李四", "contact_phone": "13800138000"}
    with pipeline.capture(execute=True):
        complaint_submit(actor=None, data=data, now=NOW)
    assert dashboard_overview(now=NOW)["received"] == 0  # the submit event never passes the pipeline
    assert rollups_catch_up() == 1
    assert dashboard_overview(now=NOW)["received"] == 1
    assert rollups_catch_up() == 0
    assert RollupState.objects.get(name=CATCH_UP_STATE).value > 0


@pytest.mark.django_db
def test_the_rebuild_recounts_and_drops_stale_rows(people):
    a = complaint_new(people, received_at=NOW - timedelta(days=1))
    complaint_rollup_refresh(complaint_id=a.pk)
    DailyRollup.objects.filter(grain=RollupGrain.STREET).update(received=99)  # drifted
    counts = rollups_rebuild(batch_size=1)
    assert counts["complaints"] == 1 and street_row(people).received == 1
    assert ComplaintFact.objects.count() == 1


def test_copy_text_escapes_what_copy_reads():
    assert _copy_text("a\\b\tc\nd") == "a\\\\b\\tc\\nd"
    assert (_copy_text(None), _copy_text(True), _copy_text(3)) == ("\\N", "t", "3")
    assert _copy_text({"unit": "x\ny"}) == '{"unit": "x\\\\ny"}'
