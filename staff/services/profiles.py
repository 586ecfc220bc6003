"""Role profiles: new versions, a school's copy of a trust standard, and imports."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from staff.audit import log_action
from staff.models import Accountability, Membership, RoleProfile, School, Trust, User
from staff.models.profiles import time_share_problem
from staff.profiles.io import PARTS, ParsedProfile


def _copy_profile(source: RoleProfile, *, by: User | None, **changes: Any) -> RoleProfile:
    """Save a copy of ``source`` and all its rows, with ``changes`` applied to the copy."""
    copy = RoleProfile.objects.get(pk=source.pk)
    copy.pk = None
    copy._state.adding = True
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.full_clean(validate_unique=False)
    copy.save()
    for key, model, _names in PARTS:
        rows = list(getattr(source, key).all())
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.profile = copy
        if rows:
            bulk_create_with_history(rows, model, default_user=by)
    return copy


@transaction.atomic
def role_profile_new_version(*, profile: RoleProfile, by: User) -> RoleProfile:
    """Keep ``profile`` read-only and return an editable copy as the next version.

    People and the roles that report to it move to the new version, so the organisation chart
    and deployment follow the live profile. Two people duplicating at once get one new version:
    the second is told which version replaced it.
    """
    old = RoleProfile.objects.select_for_update().get(pk=profile.pk)
    if not old.is_current:
        newer = RoleProfile.objects.current().filter(lineage=old.lineage).first()
        where = f"version {newer.version}" if newer else "a newer version"
        raise ValidationError(
            f"Version {old.version} of {old.title} has already been replaced by {where}. "
            "Open the latest version to change it."
        )
    old.status = RoleProfile.Status.SUPERSEDED
    old.superseded_at = timezone.now()
    old.save(update_fields=["status", "superseded_at", "updated_at"])
    new = _copy_profile(
        old,
        by=by,
        version=old.version + 1,
        status=RoleProfile.Status.CURRENT,
        supersedes=old,
        superseded_at=None,
    )
    for report in RoleProfile.objects.current().filter(reports_to=old):
        report.reports_to = new
        report.save(update_fields=["reports_to", "updated_at"])
    moved = Membership.objects.filter(role_profile=old).update(role_profile=new)
    log_action(
        new,
        "staff.role_profile.versioned",
        actor=by,
        data={"from": old.pk, "version": new.version, "people_moved": moved},
    )
    return new


@transaction.atomic
def role_profile_adopt(*, profile: RoleProfile, school: School, by: User | None) -> RoleProfile:
    """Give ``school`` its own copy of a trust-wide standard, ready for local duties."""
    standard = RoleProfile.objects.select_related("trust").get(pk=profile.pk)
    if standard.school_id is not None or not standard.is_current:
        raise ValidationError("Only the current version of a trust-wide profile can be adopted.")
    if school.trust_id != standard.trust_id:
        raise ValidationError(f"{school} is not in {standard.trust}.")
    local = _copy_profile(
        standard,
        by=by,
        school=school,
        trust=None,
        based_on=standard,
        lineage=uuid.uuid4(),
        version=1,
        supersedes=None,
        reports_to=None,
    )
    log_action(local, "staff.role_profile.adopted", actor=by, data={"standard": standard.pk})
    return local


def _find_boss(wanted: dict[str, str], candidates: list[RoleProfile]) -> RoleProfile | None:
    reference, title = wanted.get("reference", ""), wanted.get("title", "").casefold()
    for p in candidates:
        if reference and p.reference == reference and (not title or p.title.casefold() == title):
            return p
    return next((p for p in candidates if title and p.title.casefold() == title), None)


@transaction.atomic
def role_profiles_import(
    *,
    parsed: list[ParsedProfile],
    by: User | None,
    school: School | None = None,
    trust: Trust | None = None,
) -> tuple[list[RoleProfile], list[str]]:
    """Create the profiles read from an export file; all of them or, on any error, none.

    Return the new profiles and notes for the person importing (a "reports to" not found).
    """
    if (school is None) == (trust is None):
        raise ValidationError("Choose the school (or the trust) the profiles are for.")
    created: list[RoleProfile] = []
    for item in parsed:
        profile = item.profile
        profile.school, profile.trust = school, trust
        accountabilities = item.parts.get("accountabilities", [])
        problem = time_share_problem(
            a.time_share for a in accountabilities if isinstance(a, Accountability)
        )
        if problem:
            raise ValidationError(f"{profile.title}: {problem}")
        try:
            profile.full_clean()
        except ValidationError as exc:
            raise ValidationError(f"{profile.title or 'A profile'}: {_flat(exc)}") from None
        profile.save()
        for key, model, _names in PARTS:
            rows = item.parts.get(key, [])
            for row in rows:
                row.profile = profile
                try:
                    row.full_clean()
                except ValidationError as exc:
                    raise ValidationError(f"{profile.title}, {key}: {_flat(exc)}") from None
            if rows:
                bulk_create_with_history(rows, model, default_user=by)
        created.append(profile)
    existing = list(
        RoleProfile.objects.current().for_schools([school.pk])
        if school
        else RoleProfile.objects.current().filter(trust=trust)
    )
    notes = []
    for item, profile in zip(parsed, created, strict=True):
        if item.reports_to is None:
            continue
        boss = _find_boss(item.reports_to, created) or _find_boss(item.reports_to, existing)
        if boss is None or boss.pk == profile.pk:
            notes.append(
                f"{profile.title}: no profile called {item.reports_to['title']!r} here, so "
                "“reports to” is empty. Choose it in the profile."
            )
            continue
        profile.reports_to = boss
        profile.save(update_fields=["reports_to", "updated_at"])
    for profile in created:
        log_action(profile, "staff.role_profile.imported", actor=by, school=school)
    return created, notes


def _flat(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
