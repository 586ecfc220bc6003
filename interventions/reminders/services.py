"""The daily reminder sweep: find what is due, notify the responsible person once, send digests.

Each school is swept on its own (the beat task fans out). Every query is bounded by an indexed
date window, so the sweep's cost follows the number of due items, not the number of pupils, and
``ReminderSent``'s unique constraint makes a second run send nothing new. Notification text and
e-mails never name a pupil: the link leads to the detail, behind sign-in and permissions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from interventions.attendance.models import PartTimeTimetable
from interventions.delivery.models import last_session_dates, quiet, quiet_days
from interventions.ehcp import clock as ehcp_clock
from interventions.ehcp.models import EHCP, AnnualReview
from interventions.evidence.ledger import below_threshold
from interventions.outcomes.measures import enrolments_missing_exit_measure
from interventions.plans.models import SupportPlan
from interventions.reminders.models import Notification, ReminderSent
from interventions.teaching.models import ReviewInputRequest
from pupils.models import KeyAdult, Pupil, not_archived_q
from send_hub.lib.dates import nice_date
from send_hub.lib.site import email_subject, site_name, site_url
from staff import terms
from staff.models import Membership, Role, School, User
from staff.services import training_expiring

STAGE_WORDS = {"14": "in 14 days", "7": "within 7 days", "due": "today", "overdue": "overdue"}


@dataclass(frozen=True)
class Due:
    kind: str
    object_type: str
    object_id: int
    recipient_id: int
    due_on: dt.date
    text: str
    url: str = ""


def _staged(
    kind: str, obj_type: str, pk: int, to: int, due: dt.date, what: str, today: dt.date, url: str
) -> Due | None:
    stage = ehcp_clock.reminder_stage(due, today)
    if stage is None:
        return None
    when = f"{STAGE_WORDS[stage]} ({nice_date(due)})"
    return Due(f"{kind}_{stage}", obj_type, pk, to, due, f"{what}: {when}.", url)


def _plan_reviews(school_id: int, today: dt.date) -> list[Due]:
    plans = (
        SupportPlan.objects.filter(school_id=school_id)
        .filter(not_archived_q("pupil__", today))
        .review_due_by(today + dt.timedelta(14))
        .values_list("pk", "owner_id", "next_review_on")
    )
    # review_due_by() keeps only plans with a review date.
    return [
        d
        for pk, owner, due in plans
        if due is not None
        and (
            d := _staged(
                "plan_review",
                "plan",
                pk,
                owner,
                due,
                "Support plan review",
                today,
                reverse("interventions:plan", args=[pk]),
            )
        )
    ]


def _parttime_reviews(school_id: int, today: dt.date) -> list[Due]:
    # A part-time timetable's review, to the person who keeps it: 14 and 7 days ahead, on the
    # day and once overdue (each stage once, as ReminderSent records).
    timetables = (
        PartTimeTimetable.objects.filter(school_id=school_id)
        .filter(not_archived_q("pupil__", today))
        .current()
        .filter(review_on__lte=today + dt.timedelta(14))
        .values_list("pk", "lead_id", "review_on")
    )
    return [
        d
        for pk, lead, due in timetables
        if (
            d := _staged(
                "parttime_review",
                "parttime",
                pk,
                lead,
                due,
                "Part-time timetable review",
                today,
                reverse("interventions:parttime", args=[pk]),
            )
        )
    ]


def _ehcp(school_id: int, today: dt.date) -> list[Due]:
    found: list[Due] = []
    horizon = today + dt.timedelta(14)
    # Annual review due (12 months from the last one concluding), unless one is under way.
    due_ehcps = (
        EHCP.objects.filter(school_id=school_id)
        .filter(not_archived_q("pupil__", today))
        .review_due_by(horizon)
        .values_list("pk", "coordinator_id", "next_review_due")
    )
    for pk, to, due in due_ehcps:
        if d := _staged(
            "ehcp_review",
            "ehcp",
            pk,
            to,
            due,
            "EHCP annual review due",
            today,
            reverse("interventions:ehcp", args=[pk]),
        ):
            found.append(d)
    # Milestones of reviews in progress: the earliest (invitations) is 2 weeks before the meeting.
    reviews = (
        AnnualReview.objects.filter(ehcp__school_id=school_id)
        .filter(not_archived_q("ehcp__pupil__", today))
        .with_milestone_due_by(horizon)
        .select_related("ehcp")
        .prefetch_related("steps")
    )
    for review in reviews:
        done = {s.step for s in review.steps.all()}
        to = review.ehcp.coordinator_id
        review_url = reverse("interventions:ehcp_review", args=[review.pk])
        for m in ehcp_clock.milestones(review.meeting_on):
            if m.code in done or not review.expects(m.code):
                continue
            if d := _staged(
                f"ehcp_{m.code.lower()}",
                "annual_review",
                review.pk,
                to,
                m.due_on,
                f"EHCP: {m.label}",
                today,
                review_url,
            ):
                found.append(d)
        if review.covers_preparing_for_adulthood and "MEETING" not in done:
            due = ehcp_clock.invitations_due(review.meeting_on)
            d = _staged(
                "ehcp_pfa",
                "annual_review",
                review.pk,
                to,
                due,
                "EHCP review must cover preparing for adulthood",
                today,
                review_url,
            )
            if d and not d.kind.endswith("overdue"):
                found.append(d)
    # Phase transfers: the amended plan's deadline in the year of the move.
    transfers = (
        EHCP.objects.live()
        .filter(school_id=school_id, transfer_year__in=[today.year, today.year + 1])
        .filter(not_archived_q("pupil__", today))
        .exclude(phase_transfer="")
    )
    for ehcp in transfers.only("pk", "coordinator_id", "phase_transfer", "transfer_year"):
        deadline = ehcp_clock.transfer_deadline(ehcp.phase_transfer, ehcp.transfer_year)
        if deadline and (
            d := _staged(
                "ehcp_transfer",
                "ehcp",
                ehcp.pk,
                ehcp.coordinator_id,
                deadline,
                "EHCP phase transfer: amended plan deadline",
                today,
                reverse("interventions:ehcp", args=[ehcp.pk]),
            )
        ):
            found.append(d)
    return found


def _exit_measures(school_id: int, today: dt.date) -> list[Due]:
    ended = (
        enrolments_missing_exit_measure(today)
        .filter(intervention__school_id=school_id)
        .filter(not_archived_q("pupil__", today))
        .values_list("pk", "intervention_id", "intervention__lead_id", "ended_on")
    )
    return [
        Due(
            "exit_measure_missing",
            "enrolment",
            pk,
            lead,
            ended_on,
            f"A pupil's place ended on {nice_date(ended_on)} without an exit measure.",
            reverse("interventions:detail", args=[intervention_id]),
        )
        for pk, intervention_id, lead, ended_on in ended
    ]


def _training(school: School, today: dt.date) -> list[Due]:
    records = training_expiring(school, settings.SEND_HUB_TRAINING_REMINDER_DAYS, on=today)
    return [
        Due(
            "training_expiry",
            "training_record",
            r.pk,
            r.user_id,
            r.expires_on,
            f"{r.training_type.name} {'expired' if r.expires_on < today else 'expires'} on "
            f"{nice_date(r.expires_on)}.",
            reverse("staff:my_record"),
        )
        for r in records
        if r.expires_on is not None  # always: these are the records that expire
    ]


def _quiet_caseloads(school_id: int, today: dt.date) -> list[Due]:
    # The SENDCo's "no session" flag's rule: the key adults of those pupils are reminded.
    days = quiet_days()
    cutoff = today - dt.timedelta(days)
    # Three small queries, not one statement: nested together, the quiet rule's two EXISTS and
    # each link's latest-session subquery were planned as nested loops whenever the statistics
    # lagged a bulk load (a new term's import, the demo's seed), and one school's sweep took 50 s
    # on a few hundred rows.
    quiet_pupils = list(
        Pupil.objects.filter(quiet(today=today), school_id=school_id, leaving_date__isnull=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not quiet_pupils:
        return []
    links = list(
        KeyAdult.objects.filter(
            pupil_id__in=quiet_pupils, end_date__isnull=True, start_date__lte=cutoff
        ).values_list("pk", "staff_id", "pupil_id", "start_date")
    )
    last_session = last_session_dates({pupil for _, _, pupil, _ in links})
    # Still no name in the text (it may reach an e-mail digest), but each line says since when
    # and opens its own pupil, so five quiet pupils are five different reminders.
    due = []
    for pk, staff, pupil, start in links:
        last = last_session.get(pupil)
        text = (
            f"A pupil on your caseload has had no session logged since {nice_date(last)}."
            if last
            else f"A pupil on your caseload since {nice_date(start)} has had no session yet."
        )
        due.append(
            Due(
                "caseload_quiet",
                "key_adult",
                pk,
                staff,
                (last or start) + dt.timedelta(days),
                text,
                reverse("pupils:detail", args=[pupil]),
            )
        )
    return due


def pluralize(count: int) -> str:
    return "" if count == 1 else "s"


def _ledger(school_id: int, today: dt.date) -> list[Due]:
    # Once per pupil per term (the term's first day is the reminder's date), however many weeks
    # the provision stays below the threshold: the SENDCo is told, not nagged.
    alerts = below_threshold(school_id, today)
    if not alerts:
        return []
    # No work about an archived leaver (records.archive): their records are read-only.
    archived = set(
        Pupil.objects.filter(pk__in=[a.pupil_id for a in alerts])
        .archived(today)
        .values_list("pk", flat=True)
    )
    alerts = [a for a in alerts if a.pupil_id not in archived]
    if not alerts:
        return []
    term = terms.current_term(school_id, today)
    sendcos = list(
        Membership.objects.active()
        .with_role(Role.SENDCO)
        .filter(school_id=school_id)
        .values_list("user_id", flat=True)
    )
    return [
        Due(
            "ledger_below",
            "pupil",
            alert.pupil_id,
            sendco,
            term.start,
            f"A pupil's planned provision was under {alert.threshold}% delivered over four "
            f"school weeks ({len(alert.lines)} provision line{pluralize(len(alert.lines))}).",
            reverse("interventions:ledger_pupil", args=[alert.pupil_id]),
        )
        for alert in alerts
        for sendco in sendcos
    ]


def _review_inputs(school_id: int, today: dt.date) -> list[Due]:
    # Teachers asked for input before a review who have not answered: chased at 7 days, on the
    # day and once overdue (the stages ReminderSent records, so each is sent once).
    waiting = (
        ReviewInputRequest.objects.waiting()
        .filter(school_id=school_id, due_on__lte=today + dt.timedelta(14))
        .filter(not_archived_q("pupil__", today))
        .values_list("pk", "teacher_id", "due_on", "token")
    )
    return [
        d
        for pk, teacher, due, token in waiting
        if (
            d := _staged(
                "review_input",
                "review_input",
                pk,
                teacher,
                due,
                "Your input for a pupil's review is asked",
                today,
                reverse("interventions:review_input", args=[token]),
            )
        )
    ]


def reminders_due(*, school: School, today: dt.date) -> list[Due]:
    """Return every reminder due in ``school`` today (sent or not)."""
    return [
        *_plan_reviews(school.pk, today),
        *_parttime_reviews(school.pk, today),
        *_ehcp(school.pk, today),
        *_exit_measures(school.pk, today),
        *_training(school, today),
        *_quiet_caseloads(school.pk, today),
        *_ledger(school.pk, today),
        *_review_inputs(school.pk, today),
    ]


def reminders_sweep_school(*, school_id: int, today: dt.date | None = None) -> int:
    """Notify each responsible person of what is due in one school; return how many were new."""
    today = today or timezone.localdate()
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return 0
    new = 0
    for due in reminders_due(school=school, today=today):
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                kind=due.kind,
                object_type=due.object_type,
                object_id=due.object_id,
                recipient_id=due.recipient_id,
                due_on=due.due_on,
            )
            if created:
                Notification.objects.create(
                    school_id=school_id,
                    recipient_id=due.recipient_id,
                    kind=due.kind,
                    text=due.text[:200],
                    url=due.url,
                    due_on=due.due_on,
                )
                new += 1
    return new


# What the SENDCo's digest counts, by the start of a reminder's kind. Words only, no detail.
DIGEST_GROUPS = [
    ("plan_review", "support plan reviews due or overdue"),
    ("parttime_review", "part-time timetable reviews due or overdue"),
    ("ehcp", "EHCP annual-review steps due or late"),
    ("annual_review", "EHCP annual-review steps due or late"),
    ("exit_measure", "interventions ended without an exit measure"),
    ("caseload_quiet", "caseload pupils with no recent session"),
    ("training", "training or checks expiring"),
    ("ledger", "pupils whose planned provision fell below the threshold"),
]


def _school_summaries(start: dt.datetime) -> dict[int, dict[str, int]]:
    """Return, per school, today's new reminders counted by digest group (one query)."""
    rows = (
        Notification.objects.filter(created_at__gte=start)
        .values_list("school_id", "kind")
        .annotate(n=Count("pk"))
    )
    summaries: dict[int, dict[str, int]] = {}
    for school_id, kind, n in rows:
        label = next((words for prefix, words in DIGEST_GROUPS if kind.startswith(prefix)), None)
        if label:
            counts = summaries.setdefault(school_id, {})
            counts[label] = counts.get(label, 0) + n
    return summaries


def digest_body(count: int, link: str, schools: list[tuple[str, dict[str, int]]]) -> str:
    """Return the digest text: how many items wait, and for a SENDCo each school's counts."""
    noun = "item" if count == 1 else "items"
    lines = [f"You have {count} {noun} waiting in {site_name()}."]
    for name, counts in schools:
        lines += ["", f"New today across {name}:"]
        lines += [f"- {n} {words}" for words, n in counts.items()]
    lines += ["", f"Sign in to see them: {link}"]
    return "\n".join(lines) + "\n"


def reminders_digest(*, today: dt.date | None = None) -> int:
    """Send one e-mail a day to each person with new reminders, and to each SENDCo whose school
    had any; return how many went.

    The e-mail names no pupil and no detail: how many items wait, a link, and for a SENDCo how
    many of each kind of reminder their school raised today (counts only).
    """
    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    recipients = set(
        Notification.objects.unread()
        .filter(created_at__gte=start)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    summaries = _school_summaries(start)
    sendco_schools: dict[int, list[tuple[str, dict[str, int]]]] = {}
    for user_id, school_id, name in (
        Membership.objects.active()
        .with_role(Role.SENDCO)
        .filter(school_id__in=list(summaries))
        .values_list("user_id", "school_id", "school__name")
    ):
        sendco_schools.setdefault(user_id, []).append((name, summaries[school_id]))
    recipients |= set(sendco_schools)
    link = site_url(reverse("interventions:notifications"))
    sent = 0
    for user in User.objects.filter(pk__in=list(recipients), is_active=True):
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                kind="digest", object_type="user", object_id=user.pk, recipient=user, due_on=today
            )
            if not created:
                continue
            count = Notification.objects.unread().filter(recipient=user).count()
            noun = "item" if count == 1 else "items"
            send_mail(
                email_subject(f"You have {count} {noun}"),
                digest_body(count, link, sendco_schools.get(user.pk, [])),
                None,
                [user.email],
            )
            sent += 1
    return sent
