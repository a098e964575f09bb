"""Early warnings: hotspot threshold, surge against the baseline, repeat complainants, wage arrears;
one open warning per subject; a closed subject warns again only when something new arrives."""

from datetime import timedelta

import pytest

from common.exceptions import PermissionDeniedError
from grievance.models import EarlyWarning, WarningKind, WarningStatus
from grievance.services.warnings import warning_assign, warning_close, warnings_scan
from tests.grievance.actors import complaint_new
from tests.grievance.dashboard.conftest import NOW, refresh_all
from tests.grievance.factories import MatterFactory

DAY = timedelta(days=1)
USCC = "91440310MA5FXXXX0X"  # shape only: the scan groups by the stored code


@pytest.fixture
def lamp(people):
    return MatterFactory.leaf(name="路灯不亮", unit=people.dept_a)


def _complaints(people, n: int, *, start=NOW - 2 * DAY, step=timedelta(hours=3), **fields) -> list:
    return [complaint_new(people, received_at=start + i * step, **fields) for i in range(n)]


def _of(kind: str):
    return EarlyWarning.objects.filter(kind=kind)


@pytest.mark.django_db
def test_a_matter_recurring_in_one_grid_warns_at_the_threshold(people, lamp):
    _complaints(people, 4, matter=lamp)
    warnings_scan(now=NOW)
    assert not _of(WarningKind.HOTSPOT).exists()  # 4 < 5
    _complaints(people, 1, matter=lamp, start=NOW - DAY)
    assert warnings_scan(now=NOW)["created"] >= 1
    warning = _of(WarningKind.HOTSPOT).get()
    assert warning.key == f"hotspot:grid:{people.territory.grid.pk}:{lamp.pk}"
    assert (warning.count, warning.grid, warning.matter) == (5, people.territory.grid, lamp)
    assert warning.complaints.count() == 5 and "路灯不亮" in warning.title
    warnings_scan(now=NOW)  # a second scan refreshes, never duplicates
    assert _of(WarningKind.HOTSPOT).count() == 1


@pytest.mark.django_db
def test_old_complaints_fall_out_of_the_hotspot_window(people, lamp):
    _complaints(people, 5, matter=lamp, start=NOW - 9 * DAY)
    warnings_scan(now=NOW)
    assert not _of(WarningKind.HOTSPOT).exists()


@pytest.mark.django_db
def test_a_closed_hotspot_warns_again_only_when_a_new_complaint_arrives(people, lamp):
    _complaints(people, 5, matter=lamp)
    warnings_scan(now=NOW)
    warning = _of(WarningKind.HOTSPOT).get()
    warning_close(warning_id=warning.pk, actor=people.dispatcher, note="已更换灯具", now=NOW)
    warnings_scan(now=NOW + timedelta(hours=1))
    assert _of(WarningKind.HOTSPOT).count() == 1  # nothing new since it was handled
    _complaints(people, 1, matter=lamp, start=NOW + timedelta(hours=2))
    warnings_scan(now=NOW + timedelta(hours=3))
    assert _of(WarningKind.HOTSPOT).count() == 2
    assert _of(WarningKind.HOTSPOT).exclude(status=WarningStatus.CLOSED).count() == 1


@pytest.mark.django_db
def test_a_community_hotspot_when_no_single_cell_reaches_it(people, lamp):
    t = people.territory
    _complaints(people, 3, matter=lamp)
    _complaints(people, 2, matter=lamp, grid=None)  # located only to the community
    warnings_scan(now=NOW)
    warning = _of(WarningKind.HOTSPOT).get()
    assert warning.key == f"hotspot:community:{t.community.pk}:{lamp.pk}" and warning.count == 5


@pytest.mark.django_db
def test_a_sudden_rise_against_the_streets_own_baseline(people, lamp, settings):
    settings.GRIEVANCE = {**settings.GRIEVANCE, "WARNINGS": {"SURGE_MIN": 6, "HOTSPOT_MIN": 99}}
    _complaints(people, 4, matter=lamp, start=NOW - 20 * DAY, step=3 * DAY)  # ≈1 a week before
    _complaints(people, 5, matter=lamp)
    refresh_all()
    warnings_scan(now=NOW)
    assert not _of(WarningKind.SURGE).exists()  # 5 < SURGE_MIN
    _complaints(people, 1, matter=lamp, start=NOW - DAY)
    refresh_all()
    warnings_scan(now=NOW)
    warning = _of(WarningKind.SURGE).get()
    assert warning.count == 6 and warning.baseline == pytest.approx(4 / 4)
    assert warning.matter == lamp.parent.parent  # by top-level class


@pytest.mark.django_db
def test_repeat_complainants_by_phone(people):
    _complaints(people, 2, contact_phone="13700001111")
    _complaints(people, 3, contact_phone="13900002222", start=NOW - 20 * DAY, step=4 * DAY)
    warnings_scan(now=NOW)
    warning = _of(WarningKind.REPEAT_COMPLAINANT).get()
    assert warning.contact_phone == "13900002222" and warning.count == 3
    assert "139****2222" in warning.title  # the title never shows the whole number


@pytest.mark.django_db
def test_enterprises_accumulating_wage_complaints(people):
    wages = MatterFactory.leaf(
        name="工资发放", top="劳动和社会保障", middle="工资福利", keywords="欠薪,拖欠工资"
    )
    _complaints(people, 2, matter=wages, enterprise_credit_code=USCC)
    _complaints(people, 1, title="工地老板拖欠工资三个月", enterprise_credit_code=USCC)
    _complaints(people, 3, title="门口噪音扰民", enterprise_credit_code="91440310MA5FYYYY1Y")  # not wages
    warnings_scan(now=NOW)
    warning = _of(WarningKind.WAGE_ARREARS).get()
    assert (warning.enterprise_credit_code, warning.count) == (USCC, 3)


@pytest.mark.django_db
def test_only_the_centre_assigns_and_closes(people, lamp):
    _complaints(people, 5, matter=lamp)
    warnings_scan(now=NOW)
    warning = _of(WarningKind.HOTSPOT).get()
    with pytest.raises(PermissionDeniedError):
        warning_assign(warning_id=warning.pk, actor=people.supervisor, unit=people.dept_a.code)
    warning_assign(warning_id=warning.pk, actor=people.dispatcher, unit=people.dept_a.code, note="请排查")
    warning.refresh_from_db()
    assert (warning.status, warning.assigned_unit) == (WarningStatus.ASSIGNED, people.dept_a)
