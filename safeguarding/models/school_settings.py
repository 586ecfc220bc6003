"""A school's choices about its safeguarding records."""

from __future__ import annotations

from django.db import models

from staff.models import School


class SafeguardingSettings(models.Model):
    """A school's choices about its safeguarding records."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="+")
    head_sees_concerns = models.BooleanField(
        "the headteacher reads every concern",
        default=False,
        help_text="Heads who are not on the DSL team see no concerns unless this is ticked.",
    )

    class Meta:
        verbose_name = "safeguarding settings"
        verbose_name_plural = "safeguarding settings"

    def __str__(self) -> str:
        return f"Safeguarding settings for {self.school}"
