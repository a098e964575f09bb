"""Place names in the text → community / street (issue 9, item 4)."""

import pytest

from grievance.routing_model.gazetteer import DivisionRow, Gazetteer, GridRow

DIVISIONS = [
    DivisionRow("440310000000", "坪山区", "district", None),
    DivisionRow("440310001000", "坪山街道", "street", "440310000000"),
    DivisionRow("440310005000", "坑梓街道", "street", "440310000000"),
    DivisionRow("440310001002", "六和社区", "community", "440310001000"),
    DivisionRow("440310001004", "和平社区", "community", "440310001000"),
    DivisionRow("440310005001", "坑梓社区", "community", "440310005000"),
]
GRIDS = [GridRow("440310001002001", "六和社区第001网格", "440310001002", site="坪山区人民医院")]


@pytest.fixture
def gazetteer() -> Gazetteer:
    return Gazetteer(DIVISIONS, GRIDS)


def test_community_name_resolves_to_community_and_its_street(gazetteer):
    place = gazetteer.resolve("六和社区门口的路灯坏了")
    assert (place.community, place.street, place.matched) == ("440310001002", "440310001000", "六和社区")


@pytest.mark.parametrize(
    "text", ["六和居委会旁边", "六和社区居委会旁边", "六和村的老房子", "六和社区工作站不作为"]
)
def test_community_aliases(gazetteer, text):
    assert gazetteer.resolve(text).community == "440310001002"


def test_bare_street_name_resolves_to_the_street(gazetteer):
    place = gazetteer.resolve("坑梓这边的工地晚上施工")
    assert (place.street, place.community) == ("440310005000", None)


def test_same_named_community_needs_its_suffix(gazetteer):
    assert gazetteer.resolve("坑梓社区有人占道").community == "440310005001"
    assert gazetteer.resolve("坑梓街道办不回复").community is None


def test_bare_community_names_and_the_district_name_are_not_trusted(gazetteer):
    assert gazetteer.resolve("希望世界和平，六和") is None
    assert gazetteer.resolve("坪山的交通很堵") is None  # 坪山 alone is the district, not 坪山街道
    assert gazetteer.resolve("坪山街道的交通很堵").street == "440310001000"


def test_community_beats_street_and_grid_site_beats_both(gazetteer):
    assert gazetteer.resolve("坑梓街道六和社区").community == "440310001002"
    place = gazetteer.resolve("坪山街道坪山区人民医院门口乱停车")
    assert (place.grid, place.community) == ("440310001002001", "440310001002")
