"""The concern categories every school starts with (a school may add or retire its own)."""

from __future__ import annotations

from typing import Any

DEFAULT_CATEGORIES = [
    ("neglect", "Neglect"),
    ("physical-abuse", "Physical abuse"),
    ("emotional-abuse", "Emotional abuse"),
    ("sexual-abuse", "Sexual abuse"),
    ("child-on-child", "Child-on-child abuse"),
    ("domestic-abuse", "Domestic abuse"),
    ("self-harm", "Self-harm"),
    ("mental-health", "Mental health"),
    ("online-safety", "Online safety"),
    ("exploitation", "Child sexual or criminal exploitation (CSE/CCE)"),
    ("fgm", "Female genital mutilation (FGM)"),
    ("radicalisation", "Radicalisation / Prevent"),
    ("attendance", "Attendance / children missing education"),
    ("other", "Other"),
]


def ensure_default_categories(category_model: Any) -> None:
    """Create any default category that is missing (``category_model`` may be a migration's)."""
    for position, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
