"""The draw, pure: same seed ⇒ same targets and inspectors; ratios honoured; conflicts excluded."""

import math

import pytest

from credit.draw import DrawError, DrawInputs, draw_run

RATIOS = {"A": 0.01, "B": 0.04, "C": 0.2, "D": 1.0, "-": 0.08}


def _inputs(seed=20261125, **changes) -> DrawInputs:
    grades = "A" * 120 + "B" * 100 + "C" * 40 + "D" * 6 + "-" * 30
    values = {
        "seed": seed,
        "targets": tuple((i + 1, g) for i, g in enumerate(grades)),
        "inspectors": tuple(range(1001, 1009)),
        "conflicts": frozenset({(1001, 280), (1002, 280), (1003, 280), (1004, 280), (1005, 280)}),
        "ratios": RATIOS,
        "per_target": 2,
    }
    values.update(changes)
    return DrawInputs(**values)


def test_same_seed_same_draw_and_json_round_trip():
    inputs = _inputs()
    first, second = draw_run(inputs), draw_run(DrawInputs.from_json(inputs.as_json()))
    assert first.assignments == second.assignments
    assert first.digest() == second.digest()
    assert draw_run(_inputs(seed=1)).assignments != first.assignments


def test_input_order_does_not_matter():
    inputs = _inputs()
    shuffled = _inputs(targets=tuple(reversed(inputs.targets)), inspectors=tuple(reversed(inputs.inspectors)))
    assert draw_run(shuffled).assignments == draw_run(inputs).assignments


@pytest.mark.parametrize("seed", range(25))
def test_grade_ratios_are_honoured(seed):
    inputs = _inputs(seed=seed)
    result = draw_run(inputs)
    grades = dict(inputs.targets)
    drawn = [grades[subject] for subject, _ in result.assignments]
    for grade, size in (("A", 120), ("B", 100), ("C", 40), ("D", 6), ("-", 30)):
        expected = size * RATIOS[grade]
        assert math.floor(expected) <= drawn.count(grade) <= math.ceil(expected)
    assert drawn.count("D") == 6  # every high-risk subject


@pytest.mark.parametrize("seed", range(25))
def test_at_least_two_inspectors_none_conflicted(seed):
    inputs = _inputs(seed=seed, ratios={**RATIOS, "-": 1.0})
    result = draw_run(inputs)
    assert 280 in dict(result.assignments)  # the conflicted target is drawn (unrated at 100%)
    for subject, inspectors in result.assignments:
        assert len(set(inspectors)) == 2
        assert not any((i, subject) in inputs.conflicts for i in inspectors)
    assert set(dict(result.assignments)[280]) <= {1006, 1007, 1008}


def test_too_few_free_inspectors_is_an_error_not_a_bad_draw():
    inputs = _inputs(
        ratios={**RATIOS, "-": 1.0},
        conflicts=frozenset((i, 280) for i in range(1001, 1008)),
    )
    with pytest.raises(DrawError) as caught:
        draw_run(inputs)
    assert caught.value.errors == {"inspectors": ["subject 280"]}
    with pytest.raises(DrawError):
        draw_run(_inputs(per_target=1))
    with pytest.raises(DrawError):
        draw_run(_inputs(ratios={"A": 1.5}))


def test_the_log_says_what_was_drawn_from_what():
    result = draw_run(_inputs())
    by_grade = {entry["grade"]: entry for entry in result.log if "grade" in entry}
    assert by_grade["D"] == {"grade": "D", "pool": 6, "ratio": 1.0, "drawn": 6}
    assert result.log[-1]["targets"] == len(result.assignments)
