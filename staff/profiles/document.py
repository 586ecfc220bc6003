"""What the profile page, the admin preview and the PDF show, worked out once for all three."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.dateformat import format as date_format

from staff.models import Criterion, RoleProfile
from staff.templatetags.role_profiles import profile_date

# The sections that are lists of points with an optional local column, in document order.
PAIRED_SECTIONS = [
    ("key_decisions", "Key decision-making areas"),
    ("dimensions", "Role dimensions"),
    ("working_conditions", "Working conditions"),
    ("requirements", "Requirements for operational effectiveness"),
    ("context", "Context and additional information"),
]


@dataclass
class Paired:
    title: str
    standard: str
    local: str


def _salary(p: RoleProfile) -> str:
    if p.salary_min is None and p.salary_max is None:
        return ""
    if p.salary_min is not None and p.salary_max is not None and p.salary_min != p.salary_max:
        text = f"£{p.salary_min:,} to £{p.salary_max:,}"
    else:
        text = f"£{(p.salary_min or p.salary_max):,}"
    return f"{text} ({p.salary_note})" if p.salary_note else text


def _hours(p: RoleProfile) -> str:
    hours = f"{p.hours_per_week.normalize():f} hours a week" if p.hours_per_week else ""
    return ", ".join(part for part in (hours, p.working_pattern) if part)


def _month(day: date | None) -> str:
    return date_format(day, "F Y") if day else ""


def document_context(profile: RoleProfile) -> dict[str, Any]:
    """Return the template context for one profile (prefetched with ``with_contents()``)."""
    accountabilities = list(profile.accountabilities.all())
    contacts = list(profile.contacts.all())
    paired = [
        Paired(title, getattr(profile, name), getattr(profile, f"{name}_local"))
        for name, title in PAIRED_SECTIONS
        if getattr(profile, name) or getattr(profile, f"{name}_local")
    ]
    two_columns = (
        any(a.local_duties for a in accountabilities)
        or any(p.local for p in paired)
        or any(c.local_who for c in contacts)
    )
    reports_to = profile.reports_to_as_written or (
        profile.reports_to.title if profile.reports_to else ""
    )
    facts = [
        ("Form / reference number", profile.reference),
        ("Role title", profile.title),
        ("Employer", profile.employer),
        ("Department", profile.department),
        ("Section", profile.section),
        ("Group / specialism", profile.specialism),
        ("Grade", profile.grade),
        ("Job family code", profile.job_family_code),
        ("Job evaluation band", profile.evaluation_band),
        ("Salary", _salary(profile)),
        ("Hours", _hours(profile)),
        ("Reports to", reports_to),
        ("Profile date", profile_date(profile)),
        (
            "Local duties reviewed",
            profile.local_duties_reviewed.strftime("%B %Y")
            if profile.local_duties_reviewed
            else "",
        ),
    ]
    groups: dict[str, list[Criterion]] = {}
    criteria = list(profile.criteria.all())
    for criterion in criteria:
        groups.setdefault(criterion.get_group_display(), []).append(criterion)
    return {
        "profile": profile,
        "facts": [(label, value) for label, value in facts if value],
        "two_columns": two_columns,
        "accountabilities": accountabilities,
        "has_time": any(a.time_share or a.lessons_per_week for a in accountabilities),
        "paired": paired,
        "contacts": contacts,
        "values": list(profile.values.all()),
        "safeguarding_duties": list(profile.safeguarding_duties.all()),
        "criteria_groups": list(groups.items()),
        # Many documents mark neither: then the columns would only hold dashes.
        "spec_levels": any(c.level for c in criteria),
        "spec_assessed": any(c.assessed_by for c in criteria),
        "assessment_codes": Criterion.ASSESSMENT_FIELDS,
    }
