"""The synthetic demo trust: schools, the people who work in them, and then every app's records.

Only the ``seed_demo`` command (and tests and benchmarks) imports this package; production code
never does. Each app's ``<app>.demo`` package may define ``seed_school`` (called once per school,
in INSTALLED_APPS order, so each later feature grows the demo) and ``seed_today`` (called on
every start). Invented names only.
"""

from staff.demo.people import ensure_people
from staff.demo.trust import (
    DEMO_PASSWORD,
    People,
    SchoolSpec,
    ensure_school,
    ensure_terms,
    ensure_trust,
    ensure_trust_hr,
    ensure_trust_lead,
    printed_sign_ins,
    school_specs,
)

__all__ = [
    "DEMO_PASSWORD",
    "People",
    "SchoolSpec",
    "ensure_people",
    "ensure_school",
    "ensure_terms",
    "ensure_trust",
    "ensure_trust_hr",
    "ensure_trust_lead",
    "printed_sign_ins",
    "school_specs",
]
