"""Delivery pages: the catalogue, interventions and their pupils, and sessions."""

from interventions.delivery.views.interventions import (
    ENROL_RESULTS,
    SESSIONS_SHOWN,
    detail,
    enrol,
    enrol_search,
    enrolment_end,
    intervention_add,
    intervention_edit,
    intervention_list,
    programme_add,
    programme_edit,
    programme_list,
    session_history,
    status_change,
    targets,
)
from interventions.delivery.views.sessions import (
    session_detail,
    session_log,
)

__all__ = [
    "ENROL_RESULTS",
    "SESSIONS_SHOWN",
    "detail",
    "enrol",
    "enrol_search",
    "enrolment_end",
    "intervention_add",
    "intervention_edit",
    "intervention_list",
    "programme_add",
    "programme_edit",
    "programme_list",
    "session_detail",
    "session_history",
    "session_log",
    "status_change",
    "targets",
]
