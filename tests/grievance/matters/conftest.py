import pytest

from grids.models import Unit, UnitKind
from grievance.services.matters import matter_upsert


@pytest.fixture
def units(db) -> dict[str, Unit]:
    """A few units by name (the real unit loader belongs to the grids app)."""
    rows = [
        ("PS-ZHZX", "区政府值班应急与智慧管理指挥中心", UnitKind.CENTRE),
        ("PS-CG", "城市管理局", UnitKind.DEPARTMENT),
        ("PS-ZJ", "住房和建设局", UnitKind.DEPARTMENT),
        ("PS-HB", "环境保护和水务局", UnitKind.DEPARTMENT),
        ("PS-PSJD", "坪山街道办事处", UnitKind.STREET),
    ]
    return {code: Unit.objects.create(code=code, name=name, kind=kind) for code, name, kind in rows}


@pytest.fixture
def leaf(db):
    top = matter_upsert(code="01", name="城乡建设", parent=None)
    middle = matter_upsert(code="0101", name="城市建设和市政管理", parent=top)
    return matter_upsert(code="0101001", name="环境卫生", parent=middle, keywords="垃圾,保洁")
