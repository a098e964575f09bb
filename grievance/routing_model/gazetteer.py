"""Place names in a complaint's text resolved to a community or street (and a grid when it names one).

Built from the territory the demo loads (``grids``: streets, communities, grid cells and the sites of
exclusive grids such as 坪山区人民医院). Aliases per division:

- street 坑梓街道: 坑梓街道, 坑梓街道办, 坑梓办事处 and the bare 坑梓 — unless the bare name is the
  district's own (坪山 means the district, not 坪山街道);
- community 六和社区: 六和社区, 六和社区居委会, 六和社区工作站, 六和居委会, 六和村 (the old village). The bare
  name alone is not trusted (六和, 和平, 金沙 are everyday words or names elsewhere);
- a grid cell's name and its exclusive site's name resolve to its community (and the cell).

The longest alias found wins; a community beats a street (it is more precise) and fixes the street.
The messages of the shared data are anonymised ("A市") and come from elsewhere, so no roads or estates
are mined from them: only names the territory itself defines are used.
"""

from dataclasses import dataclass

STREET_SUFFIXES = ("街道办事处", "街道办", "街道", "办事处")
COMMUNITY_SUFFIXES = ("社区居委会", "社区工作站", "社区", "居委会", "村")
MIN_BARE_LENGTH = 2


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str  # "district" / "street" / "community"
    parent_code: str | None


@dataclass(frozen=True)
class GridRow:
    code: str
    name: str
    community_code: str
    site: str = ""


@dataclass(frozen=True)
class Place:
    """What a text names: ``matched`` is the alias found; codes are division (grid) codes."""

    matched: str
    street: str | None
    community: str | None = None
    grid: str | None = None


def _base(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class Gazetteer:
    def __init__(self, divisions: list[DivisionRow], grids: list[GridRow] = ()):
        parent = {d.code: d.parent_code for d in divisions}
        districts = {_base(d.name, ("区",)) for d in divisions if d.level == "district"}
        self.aliases: dict[str, Place] = {}
        for d in divisions:
            if d.level == "street":
                base = _base(d.name, (*STREET_SUFFIXES, "保税区"))
                names = [d.name, *(base + s for s in STREET_SUFFIXES)]
                if len(base) >= MIN_BARE_LENGTH and base not in districts:
                    names.append(base)
                for alias in names:
                    self._add(alias, Place(alias, street=d.code), weak=alias == base)
            elif d.level == "community":
                base = _base(d.name, COMMUNITY_SUFFIXES)
                for alias in dict.fromkeys([d.name, *(base + s for s in COMMUNITY_SUFFIXES)]):
                    if len(alias) > len(base):
                        self._add(alias, Place(alias, street=parent.get(d.code), community=d.code))
        for g in grids:
            street = parent.get(g.community_code)
            for alias in (g.name, g.site):
                if alias and len(alias) >= 3:
                    self._add(alias, Place(alias, street=street, community=g.community_code, grid=g.code))
        # First character → aliases starting with it, longest first: most characters start none.
        self.by_first: dict[str, list[str]] = {}
        for alias in sorted(self.aliases, key=len, reverse=True):
            self.by_first.setdefault(alias[0], []).append(alias)

    def _add(self, alias: str, place: Place, weak: bool = False) -> None:
        # A bare street name never overrides a fuller alias that happens to be the same string.
        if weak and alias in self.aliases:
            return
        self.aliases[alias] = place

    def places(self, text: str) -> list[Place]:
        """Every alias found, scanning left to right, longest alias first at each position."""
        found, i, text = [], 0, text or ""
        by_first = self.by_first
        while i < len(text):
            for alias in by_first.get(text[i], ()):
                if text.startswith(alias, i):
                    found.append(self.aliases[alias])
                    i += len(alias)
                    break
            else:
                i += 1
        return found

    def resolve(self, text: str) -> Place | None:
        """The most precise place the text names: a grid, else a community, else a street."""
        places = self.places(text)
        if not places:
            return None
        for key in ("grid", "community"):
            chosen = [p for p in places if getattr(p, key)]
            if chosen:
                return chosen[0]
        return places[0]
