"""Writes for safeguarding. Every write appends rows (nothing is updated or deleted), audits
itself in the same transaction, and tells the people who must know through in-app alerts."""

from safeguarding.services.alerts import (
    ALERT_SUBJECTS,
    alert_email,
    alerts_create,
    alerts_mark_read,
    alerts_pending_email_ids,
)
from safeguarding.services.attachments import (
    attachment_add,
    attachment_children,
    attachment_download_record,
)
from safeguarding.services.casework import (
    ActionClosing,
    account_share_set,
    action_add,
    action_update_add,
    current_flag,
    decision_record,
    flag_set,
    referral_add,
    referral_update_add,
)
from safeguarding.services.common import (
    PupilLink,
    RuleError,
    job_title,
    latest_decision,
    people_with_role,
)
from safeguarding.services.concerns import access_record, addendum_add, concern_submit
from safeguarding.services.sweeps import (
    actions_overdue_remind,
    concern_escalate,
    concerns_due_escalation_ids,
)
from safeguarding.services.transfers import (
    leavers_without_transfer,
    transfer_deadline,
    transfer_export,
    transfer_start,
    transfer_step_add,
    transfers_remind,
)

__all__ = [
    "ALERT_SUBJECTS",
    "ActionClosing",
    "PupilLink",
    "RuleError",
    "access_record",
    "account_share_set",
    "action_add",
    "action_update_add",
    "actions_overdue_remind",
    "addendum_add",
    "alert_email",
    "alerts_create",
    "alerts_mark_read",
    "alerts_pending_email_ids",
    "attachment_add",
    "attachment_children",
    "attachment_download_record",
    "concern_escalate",
    "concern_submit",
    "concerns_due_escalation_ids",
    "current_flag",
    "decision_record",
    "flag_set",
    "job_title",
    "latest_decision",
    "leavers_without_transfer",
    "people_with_role",
    "referral_add",
    "referral_update_add",
    "transfer_deadline",
    "transfer_export",
    "transfer_start",
    "transfer_step_add",
    "transfers_remind",
]
