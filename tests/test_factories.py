"""The factories' names are unique by construction: the rule the "name not in" checks rely on."""

from __future__ import annotations

import re

from tests.factories import unique_full_name, unique_name_part

# A capital consonant, consonant-vowel syllables without "e", and a closing "n": the only capital
# starts a part and the only "n" ends it, so one part can be found inside another only if equal.
PART = re.compile(r"[BDGKMPVZ][aiou](?:[bdgkmpvz][aiou]){2,}n")


def test_name_parts_have_the_shape_that_keeps_them_apart_and_never_repeat() -> None:
    parts = [unique_name_part() for _ in range(5000)]
    assert all(PART.fullmatch(part) for part in parts)
    assert len(set(parts)) == len(parts)


def test_hand_written_test_names_are_never_inside_a_made_name() -> None:
    made = " ".join(unique_full_name() for _ in range(2000))
    for name in ("Wren", "Dana Safeguard", "Testpupil", "Ava", "Ben", "Bea", "Alfie", "Sam"):
        assert name not in made
