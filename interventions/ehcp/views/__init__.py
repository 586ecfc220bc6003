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
from interventions.ehcp.views.review_record import (
    amendment_add,
    amendment_remove,
    invitee_add,
    invitee_edit,
    invitee_remove,
    progress_edit,
    provision_check_edit,
    review_docx_download,
    review_part,
)
from interventions.ehcp.views.reviews import (
    review_detail,
    review_pdf,
    review_reschedule,
    review_schedule,
    review_step,
)

__all__ = [
    "amendment_add",
    "amendment_remove",
    "detail",
    "ehcp_create",
    "ehcp_edit",
    "invitee_add",
    "invitee_edit",
    "invitee_remove",
    "outcome_add",
    "outcome_edit",
    "outcome_remove",
    "progress_edit",
    "provision_add",
    "provision_check_edit",
    "provision_edit",
    "provision_remove",
    "pupil_ehcp",
    "review_detail",
    "review_docx_download",
    "review_part",
    "review_pdf",
    "review_reschedule",
    "review_schedule",
    "review_step",
]
