"""Wording helpers: a choice's label placed in the middle of a sentence."""

from __future__ import annotations


def mid_sentence(label: str) -> str:
    """Return ``label`` as it reads after the start of a sentence.

    Only the first word loses its capital, and not when it is an abbreviation: ``str.lower()``
    on the whole label turned "Report sent to the LA" into "report sent to the la".
    """
    first, space, rest = label.partition(" ")
    if len(first) > 1 and first.isupper():
        return label
    return first[:1].lower() + first[1:] + space + rest
