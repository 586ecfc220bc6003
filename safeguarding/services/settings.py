"""A school's safeguarding settings: who may change them, the audit, and telling the DSLs."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest

from safeguarding.models import SafeguardingSettings
from safeguarding.services.common import RuleError
from staff.audit import log_action
from staff.models import School, User
from staff.notices import dsls_notify
from staff.permissions import can

SETTING_WORDS = "the headteacher reads every concern"


def settings_change_refusal(*, by: User | AnonymousUser, school: School | int) -> str | None:
    """Return why ``by`` may not change ``school``'s safeguarding settings (None: they may)."""
    school_id = school.pk if isinstance(school, School) else school
    if by.is_superuser:
        return None
    probe = SafeguardingSettings(school_id=school_id)
    if can(by, "safeguarding.settings", probe):
        return None
    return (
        "Only the headteacher or a DSL can change the safeguarding settings. Ask them to make "
        "this change."
    )


@transaction.atomic
def safeguarding_settings_change(
    *,
    school: School,
    head_sees_concerns: bool,
    by: User,
    request: HttpRequest | None = None,
) -> SafeguardingSettings:
    """Set whether the head reads every concern: a head or DSL only, audited, DSLs told."""
    problem = settings_change_refusal(by=by, school=school)
    if problem:
        raise RuleError(problem)
    current, _ = SafeguardingSettings.objects.select_for_update().get_or_create(school=school)
    if current.head_sees_concerns == head_sees_concerns:
        return current
    current.head_sees_concerns = head_sees_concerns
    current.full_clean()
    current.save()
    superuser = bool(getattr(by, "is_superuser", False))
    log_action(
        current,
        "safeguarding.settings.changed",
        actor=by,
        request=request,
        data={"head_sees_concerns": head_sees_concerns, "superuser": superuser},
    )
    actor = by.full_name or by.email
    if superuser:
        actor = f"{actor} (IT administrator)"
    state = "on" if head_sees_concerns else "off"
    dsls_notify(
        school_id=school.pk,
        kind="safeguarding.settings.changed",
        text=f"{actor} switched {state} the safeguarding setting: {SETTING_WORDS}.",
    )
    return current
