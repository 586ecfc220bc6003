"""The early warning: a daily sweep that flags pupils whose attendance, removals, behaviour and
check-ins together cross the school's thresholds, and says exactly why.

Each rule is a function of one pupil's figures that either stays silent or returns the sentence
that explains it, figures included. A pupil is flagged when rules fire in at least
``rules_to_flag`` areas (attendance, removals, behaviour, check-ins): low and falling attendance
are one area, so a dip in attendance alone does not count twice. There is never a score without
its reasons. A pupil has at most one open flag (the sweep
refreshes its reasons); once someone records "seen, action taken", the same rules do not flag
the pupil again within the school's window, so the early warning does not nag.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from interventions.attendance.figures import Rate, rates_by_pupil
from interventions.attendance.models import EarlyWarning, EarlyWarningSettings
from interventions.behaviour.models import BehaviourEvent, Removal
from interventions.connect.models import CheckIn, DailyRecord
from pupils.models import KeyAdult, Pupil
from send_hub.lib.dates import nice_date
from send_hub.lib.site import email_subject, site_url
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import Membership, Role, School, User


@dataclass
class Figures:
    """One pupil's figures over the window (and attendance over the window before it)."""

    start: dt.date
    end: dt.date
    before_start: dt.date
    attendance: Rate = field(default_factory=Rate)
    attendance_before: Rate = field(default_factory=Rate)
    removals: int = 0
    minutes_out: int = 0
    rewards: int = 0
    sanctions: int = 0
    detentions: int = 0
    low_checkins: int = 0
    checkins: int = 0


def _period(f: Figures) -> str:
    return f"{nice_date(f.start)} to {nice_date(f.end)}"


def _attendance_low(f: Figures, s: EarlyWarningSettings) -> str | None:
    pct = f.attendance.percent
    if pct is None or pct >= s.attendance_below:
        return None
    return (
        f"Attended {f.attendance.attended} of {f.attendance.possible} possible sessions "
        f"({pct}%) from {_period(f)}; the school flags attendance below {s.attendance_below}%."
    )


def _attendance_falling(f: Figures, s: EarlyWarningSettings) -> str | None:
    now, before = f.attendance.percent, f.attendance_before.percent
    if now is None or before is None or before - now < s.attendance_drop:
        return None
    return (
        f"Attendance fell from {before}% ({nice_date(f.before_start)} to "
        f"{nice_date(f.start - dt.timedelta(days=1))}) to {now}% ({_period(f)}), "
        f"{before - now} points; the school flags a fall of {s.attendance_drop} points or more."
    )


def _removals(f: Figures, s: EarlyWarningSettings) -> str | None:
    if f.removals < s.removals:
        return None
    return (
        f"{f.removals} removals from class ({f.minutes_out} minutes out of class) from "
        f"{_period(f)}; the school flags {s.removals} or more."
    )


def _behaviour(f: Figures, s: EarlyWarningSettings) -> str | None:
    net = f.sanctions + f.detentions - f.rewards
    if net < s.net_sanctions:
        return None
    return (
        f"{f.sanctions} sanctions and {f.detentions} detentions against {f.rewards} rewards "
        f"from {_period(f)}, {net} more; the school flags {s.net_sanctions} or more."
    )


def _checkins(f: Figures, s: EarlyWarningSettings) -> str | None:
    if f.low_checkins < s.low_checkins:
        return None
    return (
        f"{f.low_checkins} of {f.checkins} check-ins were low (red zone, or 1 or 2 out of 5) "
        f"from {_period(f)}; the school flags {s.low_checkins} or more."
    )


Rule = Callable[[Figures, EarlyWarningSettings], str | None]
# rule name -> (title, area, test). Names are stored on flags: rename with a data migration.
RULES: dict[str, tuple[str, str, Rule]] = {
    "attendance_low": ("Low attendance", "attendance", _attendance_low),
    "attendance_falling": ("Attendance falling", "attendance", _attendance_falling),
    "removals": ("Removals from class", "removals", _removals),
    "behaviour": ("Sanctions outnumber rewards", "behaviour", _behaviour),
    "checkins": ("Low check-ins", "checkins", _checkins),
}


def rules_fired(figures: Figures, settings: EarlyWarningSettings) -> list[dict[str, str]]:
    """Return each rule that fires for ``figures``, with its title, area and the sentence why."""
    fired = []
    for name, (title, area, test) in RULES.items():
        because = test(figures, settings)
        if because:
            fired.append({"rule": name, "title": title, "area": area, "because": because})
    return fired


def areas(rules: list[dict[str, str]]) -> int:
    """Return in how many areas ``rules`` fired (low and falling attendance are one area)."""
    return len({r.get("area", r["rule"]) for r in rules})


def settings_for(school: School | int) -> EarlyWarningSettings:
    """Return the school's thresholds (the defaults until someone changes them)."""
    school_id = school.pk if isinstance(school, School) else school
    found = EarlyWarningSettings.objects.filter(school_id=school_id).first()
    return found or EarlyWarningSettings(school_id=school_id)


@transaction.atomic
def settings_save(*, school: School, by: User, **values: object) -> EarlyWarningSettings:
    """Save the school's early-warning thresholds."""
    found, _ = EarlyWarningSettings.objects.select_for_update().get_or_create(school=school)
    for name, value in values.items():
        setattr(found, name, value)
    found.updated_by = by
    found.full_clean()
    found.save()
    log_action(found, "interventions.early_warning_settings.changed", actor=by, data={})
    return found


def school_figures(*, school_id: int, today: dt.date, window_days: int) -> dict[int, Figures]:
    """Return every pupil on roll's figures over the window ending ``today`` (six queries)."""
    start = today - dt.timedelta(days=window_days - 1)
    before_start = start - dt.timedelta(days=window_days)
    pupils = Pupil.objects.filter(school_id=school_id).on_roll().values_list("pk", flat=True)
    out = {pk: Figures(start, today, before_start) for pk in pupils}
    for pk, r in rates_by_pupil(school=school_id, start=start, end=today).items():
        if pk in out:
            out[pk].attendance = r
    before_end = start - dt.timedelta(days=1)
    for pk, r in rates_by_pupil(school=school_id, start=before_start, end=before_end).items():
        if pk in out:
            out[pk].attendance_before = r
    removals = (
        Removal.objects.filter(
            school_id=school_id, started_at__date__gte=start, started_at__date__lte=today
        )
        .with_minutes()
        .values("pupil_id")
        .annotate(n=Count("pk"), total=Sum("minutes"))
    )
    for row in removals:
        if f := out.get(row["pupil_id"]):
            f.removals, f.minutes_out = row["n"], row["total"] or 0
    events = (
        BehaviourEvent.objects.filter(
            school_id=school_id, occurred_on__gte=start, occurred_on__lte=today
        )
        .values("pupil_id")
        .annotate(
            rewards=Count("pk", filter=Q(kind=BehaviourEvent.Kind.REWARD)),
            sanctions=Count("pk", filter=Q(kind=BehaviourEvent.Kind.SANCTION)),
            detentions=Count("pk", filter=Q(kind=BehaviourEvent.Kind.DETENTION)),
        )
    )
    for event in events:
        if f := out.get(event["pupil_id"]):
            f.rewards, f.sanctions, f.detentions = (
                event["rewards"],
                event["sanctions"],
                event["detentions"],
            )
    checkins = (
        CheckIn.objects.filter(school_id=school_id, date__gte=start, date__lte=today)
        .values("pupil_id")
        .annotate(n=Count("pk"), low=Count("pk", filter=Q(zone="RED") | Q(scale__lte=2)))
    )
    for checkin in checkins:
        if f := out.get(checkin["pupil_id"]):
            f.checkins += checkin["n"]
            f.low_checkins += checkin["low"]
    days = (
        DailyRecord.objects.filter(placement__school_id=school_id, date__gte=start, date__lte=today)
        .exclude(checkin_zone="")
        .values("placement__pupil_id")
        .annotate(n=Count("pk"), low=Count("pk", filter=Q(checkin_zone="RED")))
    )
    for day in days:
        if f := out.get(day["placement__pupil_id"]):
            f.checkins += day["n"]
            f.low_checkins += day["low"]
    return out


@transaction.atomic
def early_warning_sweep_school(*, school_id: int, today: dt.date | None = None) -> int:
    """Flag the school's pupils whose rules fire today; return how many flags are new.

    Idempotent: an open flag is refreshed, never doubled (a constraint backs this), and a
    flag seen within the window with the same rules is not raised again.
    """
    today = today or timezone.localdate()
    settings = settings_for(school_id)
    figures = school_figures(school_id=school_id, today=today, window_days=settings.window_days)
    fired = {}
    for pk, f in figures.items():
        rules = rules_fired(f, settings)
        if areas(rules) >= settings.rules_to_flag:
            fired[pk] = (f, rules)
    if not fired:
        return 0
    open_flags = {
        w.pupil_id: w
        for w in EarlyWarning.objects.select_for_update().filter(
            school_id=school_id, pupil_id__in=list(fired), seen_at__isnull=True
        )
    }
    since = timezone.now() - dt.timedelta(days=settings.window_days)
    seen: dict[int, set[str]] = defaultdict(set)
    for pupil_id, rules in EarlyWarning.objects.filter(
        school_id=school_id, pupil_id__in=list(fired), seen_at__gte=since
    ).values_list("pupil_id", "rules"):
        seen[pupil_id] |= {r.get("rule") for r in rules}
    new = []
    for pk, (f, rules) in fired.items():
        if flag := open_flags.get(pk):
            flag.rules, flag.window_start, flag.window_end = rules, f.start, f.end
            flag.save(update_fields=["rules", "window_start", "window_end"])
            continue
        if {r["rule"] for r in rules} <= seen[pk]:
            continue  # seen, action taken, within the window: the same reasons do not nag
        new.append(
            EarlyWarning(
                school_id=school_id,
                pupil_id=pk,
                raised_on=today,
                window_start=f.start,
                window_end=f.end,
                rules=rules,
            )
        )
    EarlyWarning.objects.bulk_create(new)
    for flag_id in EarlyWarning.objects.filter(
        school_id=school_id, raised_on=today, notified_at__isnull=True, seen_at__isnull=True
    ).values_list("pk", flat=True):
        enqueue_on_commit("interventions.tasks.early_warning_notify_task", flag_id)
    log_action(
        None,
        "interventions.early_warning.swept",
        school=school_id,
        data={"new": len(new), "open": len(open_flags)},
    )
    return len(new)


def recipients(flag: EarlyWarning) -> list[User]:
    """Return the pupil's current key adults and the school's SENDCos (once each)."""
    adults = KeyAdult.objects.filter(pupil_id=flag.pupil_id, end_date__isnull=True).values(
        "staff_id"
    )
    sendcos = Membership.objects.active().filter(school_id=flag.school_id).with_role(Role.SENDCO)
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=adults) | Q(pk__in=sendcos.values("user_id")))
        .order_by("pk")
    )


NOTICE_SUBJECT = "An early warning needs you"
NOTICE_BODY = (
    "SEND Hub's daily sweep has flagged a pupil you support. Open SEND Hub to see who, and the "
    "rules and figures behind it:\n\n{link}\n\nThis e-mail says nothing about the pupil on "
    "purpose: everything is in SEND Hub, behind your sign-in.\n"
)


def early_warning_notify(*, flag_id: int) -> int:
    """E-mail the flag's key adults and SENDCos, once, without a word about the pupil."""
    claimed = EarlyWarning.objects.filter(
        pk=flag_id, notified_at__isnull=True, seen_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return 0  # sent by an earlier run, or seen already
    flag = EarlyWarning.objects.get(pk=flag_id)
    to = [u.email for u in recipients(flag)]
    if to:
        link = site_url(reverse("interventions:early_warnings"))
        send_mail(
            email_subject(NOTICE_SUBJECT),
            NOTICE_BODY.format(link=link),
            None,
            to,
        )
    log_action(flag, "interventions.early_warning.notified", data={"recipients": len(to)})
    return len(to)


@transaction.atomic
def early_warning_seen(*, flag: EarlyWarning, action: str, by: User) -> EarlyWarning:
    """Record "seen, action taken" on a flag, so it stops asking; refuse a second time."""
    locked = EarlyWarning.objects.select_for_update().get(pk=flag.pk)
    if locked.seen_at is not None:
        who = locked.seen_by.full_name if locked.seen_by else "someone"
        when = timezone.localtime(locked.seen_at)
        raise ValidationError(
            f"{who} already recorded an action on {nice_date(when)} at {when:%H:%M}: "
            f"“{locked.action}”."
        )
    action = action.strip()
    if not action:
        raise ValidationError("Say what was done (a line is enough).")
    locked.seen_at, locked.seen_by, locked.action = timezone.now(), by, action[:2000]
    locked.save(update_fields=["seen_at", "seen_by", "action"])
    log_action(
        locked, "interventions.early_warning.seen", actor=by, data={"pupil": locked.pupil_id}
    )
    return locked
