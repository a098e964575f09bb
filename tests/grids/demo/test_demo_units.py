import shutil

import pytest

from common.exceptions import ApplicationError
from grids.demo.unit_codes import COMMUNITY_UNITS, OBSERVED_UNITS, STREET_UNITS, observed_unit_code
from grids.demo.units import demo_units_load
from grids.models import Unit, UnitKind
from grids.selectors.units import unit_for_division
from tests.accounts.factories import divisions_from_csv


def _observed_names(shared_data_dir) -> list[str]:
    text = (shared_data_dir / "pingshan" / "units_observed.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_code_table_is_unique_short_and_uppercase_ascii():
    fixed = {"PS", "PS-ZHZX", "PS-XLFW"}
    streets = [code for code, _name in STREET_UNITS.values()]
    communities = list(COMMUNITY_UNITS.values())
    own = [spec.code for spec in OBSERVED_UNITS.values() if spec.code not in set(communities) | fixed]
    every = [*fixed, *streets, *communities, *own]

    assert len(every) == len(set(every))
    for code in every:
        assert len(code) <= 32 and code.isascii() and code == code.upper(), code
    assert observed_unit_code("城市管理局") == "PS-CG"


def test_unknown_observed_name_raises_a_readable_key_error():
    with pytest.raises(KeyError, match="不在演示单位编码表"):
        observed_unit_code("不存在的局")


@pytest.mark.django_db
def test_load_builds_the_unit_tree_and_links_divisions(shared_data_dir):
    divisions = divisions_from_csv(shared_data_dir)

    counts = demo_units_load(data_dir=shared_data_dir)

    assert counts["divisions_missing"] == 0
    assert counts["observed_names"] == 118
    assert Unit.objects.get(code="PS").kind == UnitKind.DISTRICT
    assert Unit.objects.get(code="PS-ZHZX").name == "区政府值班应急与智慧管理指挥中心"
    assert Unit.objects.get(code="PS-XLFW").kind == UnitKind.PSYCH_CENTRE
    cg = Unit.objects.get(code="PS-CG")
    assert (cg.name, cg.kind, cg.parent.code) == ("城市管理局", UnitKind.DEPARTMENT, "PS")
    street = Unit.objects.get(code="PS-PSJD")
    assert (street.kind, street.parent.code, street.division.code) == (UnitKind.STREET, "PS", "440310001000")
    assert unit_for_division(divisions["440310001000"]) == street
    liuhe = unit_for_division(divisions["440310001002"])
    assert (liuhe.code, liuhe.name, liuhe.parent.code) == ("PS-PSJD-LHSQ", "六和社区工作站", "PS-PSJD")
    labour = Unit.objects.get(code="PS-KZJD-LD")
    assert (labour.name, labour.kind, labour.parent.code) == (
        "劳动办（坑梓街道办事处）",
        UnitKind.STREET_OFFICE,
        "PS-KZJD",
    )
    assert Unit.objects.get(code="PS-GDJ").kind == UnitKind.UTILITY
    assert Unit.objects.filter(kind=UnitKind.STREET).count() == 7
    assert Unit.objects.filter(kind=UnitKind.COMMUNITY).count() == 25
    assert all(u.parent.kind == UnitKind.STREET for u in Unit.objects.filter(kind=UnitKind.COMMUNITY))
    assert Unit.objects.get(code="PS-ZBQ-XNSQ").division is not None


@pytest.mark.django_db
def test_every_observed_name_maps_to_a_unit_without_duplicates(shared_data_dir):
    demo_units_load(data_dir=shared_data_dir)

    for name in _observed_names(shared_data_dir):
        unit = Unit.objects.get(code=observed_unit_code(name))
        assert unit.kind == OBSERVED_UNITS[name].kind
    # Observed community names reuse the workstations: one unit per community, never two.
    assert Unit.objects.filter(name="六和社区").count() == 0
    assert observed_unit_code("六和社区") == "PS-PSJD-LHSQ"
    assert observed_unit_code("区指挥中心处置") == "PS-ZHZX"


@pytest.mark.django_db
def test_second_load_creates_nothing(shared_data_dir):
    first = demo_units_load(data_dir=shared_data_dir)
    count = Unit.objects.count()

    second = demo_units_load(data_dir=shared_data_dir)

    assert first["created"] == first["units"] == count
    assert second["created"] == 0
    assert Unit.objects.count() == count
    assert Unit.objects.filter(code="PS-CG").count() == 1


@pytest.mark.django_db
def test_missing_divisions_leave_units_unlinked_then_a_later_load_links_them(shared_data_dir):
    first = demo_units_load(data_dir=shared_data_dir)
    assert first["divisions_linked"] == 0
    assert Unit.objects.get(code="PS-PSJD").division is None

    divisions_from_csv(shared_data_dir)
    second = demo_units_load(data_dir=shared_data_dir)

    assert second["created"] == 0
    assert second["divisions_missing"] == 0
    assert Unit.objects.get(code="PS-PSJD").division.code == "440310001000"


@pytest.mark.django_db
def test_a_name_missing_from_the_table_stops_the_load(shared_data_dir, tmp_path):
    pingshan = tmp_path / "pingshan"
    pingshan.mkdir()
    for name in ("divisions.csv", "units_observed.txt"):
        shutil.copy(shared_data_dir / "pingshan" / name, pingshan / name)
    with (pingshan / "units_observed.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n新成立的某某局\n")

    with pytest.raises(ApplicationError) as error:
        demo_units_load(data_dir=tmp_path)

    assert "新成立的某某局" in error.value.message
    assert error.value.errors["units_observed.txt"] == ["新成立的某某局"]
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_accepts_the_pingshan_folder_itself(shared_data_dir):
    counts = demo_units_load(data_dir=shared_data_dir / "pingshan")
    assert counts["units"] == Unit.objects.count() > 100


@pytest.mark.django_db
def test_links_every_street_and_community_made_by_the_territory_loader(shared_data_dir):
    from grids.demo.territory import demo_territory_load

    demo_territory_load(data_dir=shared_data_dir)

    counts = demo_units_load(data_dir=shared_data_dir)

    assert counts["divisions_missing"] == 0
    assert counts["divisions_linked"] == 32
    assert Unit.objects.get(code="PS").division.code == "440310000000"
    unlinked = Unit.objects.filter(kind__in=[UnitKind.STREET, UnitKind.COMMUNITY], division__isnull=True)
    assert not unlinked.exists()
