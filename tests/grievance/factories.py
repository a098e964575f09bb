"""Shared factories for complaint tests (grids, accounts and grievance objects).

Keep these simple and stable — other test folders import them:

- ``DivisionFactory(code=..., level=..., parent=...)``; ``territory()`` builds a small district.
- ``GridCellFactory(community=..., boundary=square(lng, lat))``: refreshes the point→grid index.
- ``UnitFactory(code=..., kind=...)``, ``UserFactory(role=...)`` (password ``PASSWORD``),
  ``membership(user, unit, role)``: the membership plus the unit group ``unit:<code>`` that carries the
  complaint permissions granted by dispatch.
- ``MatterFactory.leaf(name=..., keywords=..., unit=..., handler_rule=..., co_units=...)`` → a leaf
  with its top and middle classes and one rule in force since 2020-01-01.
- ``ComplaintFactory(...)``: a bare ``submitted`` complaint (no events; pass fields to change it).
"""

import itertools
from dataclasses import dataclass
from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from grids.geo import grid_index_invalidate
from grids.models import Division, DivisionLevel, GridCell, Unit, UnitKind, UnitMembership, UnitRole
from grids.services.units import unit_membership_add
from grievance.models import Complaint, ComplaintKind, HandlerRule, Matter, MatterRule

PASSWORD = "factory-pass-2026"
_leaf_names = itertools.count(1)


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    """A GeoJSON square with its south-west corner at (lng, lat), ``size`` degrees wide."""
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class DivisionFactory(DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    # 12 characters for any n (the field is varchar(12)); unique for the first 9,000 divisions of a run.
    code = factory.Sequence(lambda n: f"440310{n % 900 + 100:03d}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"区划{n}")
    level = DivisionLevel.COMMUNITY


class GridCellFactory(DjangoModelFactory):
    class Meta:
        model = GridCell
        django_get_or_create = ("code",)

    community = factory.SubFactory(DivisionFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{n % 999 + 1:03d}")
    name = factory.Sequence(lambda n: f"网格{n}")
    boundary = factory.LazyFunction(lambda: square(114.30, 22.60))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        boundary = kwargs["boundary"]
        ring = boundary["coordinates"][0]
        kwargs.setdefault("min_lng", min(p[0] for p in ring))
        kwargs.setdefault("max_lng", max(p[0] for p in ring))
        kwargs.setdefault("min_lat", min(p[1] for p in ring))
        kwargs.setdefault("max_lat", max(p[1] for p in ring))
        cell = super()._create(model_class, *args, **kwargs)
        grid_index_invalidate()  # the point→grid index is cached per process
        return cell


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"单位{o.code}")
    kind = UnitKind.DEPARTMENT


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CITIZEN
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.LazyAttribute(lambda o: f"用户{o.username}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


def membership(user: User, unit: Unit, role: str = UnitRole.HANDLER) -> UnitMembership:
    """Make ``user`` a member of ``unit`` (the service also puts them in the group ``unit:<code>``)."""
    return unit_membership_add(user=user, unit=unit, role=role)


class MatterRuleFactory(DjangoModelFactory):
    class Meta:
        model = MatterRule
        skip_postgeneration_save = True

    version = 1
    effective_from = date(2020, 1, 1)
    kinds = factory.LazyFunction(list)
    handler_rule = HandlerRule.FIXED

    @factory.post_generation
    def co_units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.co_units.set(extracted)


class MatterFactory(DjangoModelFactory):
    class Meta:
        model = Matter
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"M{n:05d}")
    name = factory.Sequence(lambda n: f"事项{n}")
    level = 1
    parent = None
    keywords = ""

    @classmethod
    def leaf(
        cls,
        *,
        name: str | None = None,
        keywords: str = "",
        top: str = "城乡建设",
        middle: str = "城市建设和市政管理",
        unit: Unit | None = None,
        handler_rule: str = HandlerRule.FIXED,
        co_units=(),
        code: str | None = None,
        with_rule: bool = True,
        **rule_fields,
    ) -> Matter:
        """A leaf under ``top`` / ``middle`` (created or reused by name) with one rule (FIXED → ``unit``,
        created when not given)."""
        top_node = Matter.objects.filter(level=1, name=top).first() or cls(name=top, level=1)
        middle_node = Matter.objects.filter(level=2, name=middle, parent=top_node).first() or cls(
            name=middle, level=2, parent=top_node
        )
        extra = {"code": code} if code else {}
        leaf = cls(
            name=name or f"小类{next(_leaf_names)}", level=3, parent=middle_node, keywords=keywords, **extra
        )
        if with_rule:
            if handler_rule == HandlerRule.FIXED and unit is None:
                unit = UnitFactory()
            MatterRuleFactory(
                matter=leaf,
                handler_rule=handler_rule,
                handling_unit=unit if handler_rule == HandlerRule.FIXED else None,
                co_units=list(co_units),
                **rule_fields,
            )
        return leaf


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = Complaint

    kind = ComplaintKind.COMPLAINT
    title = factory.Sequence(lambda n: f"诉求标题{n}")
    description = "小区门口的路灯坏了很多天，晚上一片漆黑"
    contact_name = "张三"
    contact_phone = "13812345678"
    received_at = factory.LazyFunction(timezone.now)


@dataclass
class Territory:
    district: Division
    street: Division
    community: Division
    other_community: Division
    grid: GridCell
    other_grid: GridCell
    street_unit: Unit
    community_unit: Unit
    other_community_unit: Unit
    district_unit: Unit

    # A point inside ``grid`` and one inside ``other_grid``.
    inside: tuple[float, float] = (22.605, 114.305)
    inside_other: tuple[float, float] = (22.605, 114.315)


def territory() -> Territory:
    """District 440310 → street 440310001 → communities 440310001001/002, one 0.01° grid cell each
    (side by side at lng 114.30 and 114.31, lat 22.60), and the matching district, street and
    community units."""
    district = DivisionFactory(code="440310000000", name="坪山区", level=DivisionLevel.DISTRICT)
    street = DivisionFactory(
        code="440310001000", name="坪山街道", level=DivisionLevel.STREET, parent=district
    )
    community = DivisionFactory(
        code="440310001001", name="六和社区", level=DivisionLevel.COMMUNITY, parent=street
    )
    other = DivisionFactory(
        code="440310001002", name="六联社区", level=DivisionLevel.COMMUNITY, parent=street
    )
    grid = GridCellFactory(
        code="440310001001001", name="六和1网格", community=community, boundary=square(114.30, 22.60)
    )
    other_grid = GridCellFactory(
        code="440310001002001", name="六联1网格", community=other, boundary=square(114.31, 22.60)
    )
    district_unit = UnitFactory(code="PS-QJ", name="坪山区", kind=UnitKind.DISTRICT, division=district)
    street_unit = UnitFactory(
        code="PS-PSJD", name="坪山街道办事处", kind=UnitKind.STREET, division=street, parent=district_unit
    )
    community_unit = UnitFactory(
        code="PS-LHSQ", name="六和社区工作站", kind=UnitKind.COMMUNITY, division=community, parent=street_unit
    )
    other_unit = UnitFactory(
        code="PS-LLSQ", name="六联社区工作站", kind=UnitKind.COMMUNITY, division=other, parent=street_unit
    )
    return Territory(
        district=district,
        street=street,
        community=community,
        other_community=other,
        grid=grid,
        other_grid=other_grid,
        street_unit=street_unit,
        community_unit=community_unit,
        other_community_unit=other_unit,
        district_unit=district_unit,
    )
