"""EHCP pages: the record and its sections, and annual reviews."""

from interventions.ehcp.views.record import (
    detail,
    ehcp_create,
    ehcp_edit,
    outcome_add,
    outcome_edit,
    outcome_remove,
    provision_add,
    provision_edit,
    provision_remove,
    pupil_ehcp,
)
from interventions.ehcp.views.reviews import (
    review_detail,
    review_pdf,
    review_reschedule,
    review_schedule,
    review_step,
)

__all__ = [
    "detail",
    "ehcp_create",
    "ehcp_edit",
    "outcome_add",
    "outcome_edit",
    "outcome_remove",
    "provision_add",
    "provision_edit",
    "provision_remove",
    "pupil_ehcp",
    "review_detail",
    "review_pdf",
    "review_reschedule",
    "review_schedule",
    "review_step",
]
