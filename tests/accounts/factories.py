"""Factories for accounts and the unit/territory rows the account and unit tests need.

The territory loader belongs to another module; these build just the rows a test asks for.
"""

import csv
from pathlib import Path

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from grids.models import Division, DivisionLevel, GridCell, Unit, UnitKind

TEST_PASSWORD = "correct-horse-2026"
_PASSWORD_HASH = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(TEST_PASSWORD)
    return _PASSWORD_HASH


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.HANDLER
    display_name = factory.LazyAttribute(lambda o: f"测试用户{o.username}")
    password = factory.LazyFunction(_password_hash)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T-U{n:03d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    code = factory.Sequence(lambda n: f"440310{900 + n:03d}000")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = DivisionLevel.STREET


SQUARE = {"type": "Polygon", "coordinates": [[[114.3, 22.7], [114.31, 22.7], [114.31, 22.71], [114.3, 22.7]]]}


class GridCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridCell

    community = factory.SubFactory(DivisionFactory, level=DivisionLevel.COMMUNITY)
    code = factory.Sequence(lambda n: f"440310001001{n + 1:03d}")
    name = factory.Sequence(lambda n: f"测试网格{n + 1}")
    boundary = SQUARE


def divisions_from_csv(shared_data_dir: Path) -> dict[str, Division]:
    """Division rows of divisions.csv (the code-less virtual community gets a generated code)."""
    path = Path(shared_data_dir) / "pingshan" / "divisions.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    made: dict[str, Division] = {}
    for row in rows:
        code = (row["code12"] or "").removesuffix(".0")
        status = row["status"]
        if not code:
            code, status = row["parent_code12"][:9] + "900", "generated"
        parent = made.get(row["parent_code12"].removesuffix(".0"))
        made[code] = Division.objects.create(
            code=code, name=row["name"], level=row["level"], parent=parent, code_status=status
        )
    return made
