"""The small-group rule: threshold, complement of a part, and secondary suppression."""

from lodestar.services.privacy.groups import GroupRule


def test_groups_below_the_minimum_are_hidden_and_empty_ones_are_not_suppression():
    rule = GroupRule(10)
    assert rule.hides(1) and rule.hides(9)
    assert not rule.hides(10) and not rule.hides(0)


def test_a_part_is_shown_only_when_the_rest_is_large_enough_too():
    rule = GroupRule(5)
    # 100 people in total, 97 in the filtered part: total minus part would be 3 people.
    assert not rule.shows_part(97, 100)
    assert rule.shows_part(95, 100)
    assert rule.shows_part(100, 100)  # the part is the whole
    assert not rule.shows_part(4, 100)


def test_secondary_suppression_hides_enough_that_the_total_cannot_isolate_a_small_group():
    rule = GroupRule(5)
    sizes = {"sales": 40, "support": 3, "ops": 7, "finance": 12}
    hidden = rule.hidden_groups(sizes)
    assert hidden == {"support", "ops"}  # 3 alone could be read as total - the rest
    assert sum(sizes[g] for g in hidden) >= 5
    assert rule.hidden_groups({"a": 6, "b": 7}) == set()
    # Nothing left to hide with: everything small goes.
    assert rule.hidden_groups({"a": 2, "b": 1}) == {"a", "b"}


def test_the_note_names_the_minimum_and_the_setting():
    text = GroupRule(10).note("The satisfaction mean", 1)
    assert "fewer than 10 people" in text and "(1 person)" in text
    assert "LODESTAR_SECURITY__MIN_GROUP_SIZE" in text and text.endswith(".")
