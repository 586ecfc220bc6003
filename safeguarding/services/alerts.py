"""In-app alerts to the people who must know, and their content-free e-mails."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.models import (
    Alert,
)
from send_hub.lib.site import email_subject, site_name, site_url
from send_hub.lib.tasks import enqueue_on_commit
from staff.models import School, User


def alerts_create(
    *,
    recipients: Iterable[User],
    school: School | int,
    kind: str,
    key: str,
    urgent: bool = False,
    **about: Model,
) -> list[Alert]:
    """Alert each recipient once per ``key`` and e-mail them (after commit, without content).

    One query finds who already has this alert and one inserts the rest; only if another request
    alerted one of them in between does it fall back to one person at a time.
    """
    school_id = school.pk if isinstance(school, School) else school
    people = {user.pk: user for user in recipients}
    alerted = set(
        Alert.objects.filter(recipient_id__in=people, key=key).values_list(
            "recipient_id", flat=True
        )
    )
    made = [
        Alert(recipient=user, key=key, school_id=school_id, kind=kind, urgent=urgent, **about)
        for pk, user in people.items()
        if pk not in alerted
    ]
    try:
        if made:
            with transaction.atomic():
                Alert.objects.bulk_create(made)
    except IntegrityError:  # alerted by a concurrent request since: keep theirs, add the rest
        made = []
        for user in people.values():
            alert, created = Alert.objects.get_or_create(
                recipient=user,
                key=key,
                defaults={"school_id": school_id, "kind": kind, "urgent": urgent, **about},
            )
            if created:
                made.append(alert)
    for alert in made:
        enqueue_on_commit("safeguarding.tasks.alert_email_task", alert.pk)
    return made


def alerts_mark_read(*, user: User, **about: Model) -> int:
    """Mark ``user``'s unread alerts about one concern, transfer or pupil as read."""
    return Alert.objects.filter(recipient=user, read_at__isnull=True, **about).update(
        read_at=timezone.now()
    )


ALERT_SUBJECTS: dict[str, str] = {
    Alert.Kind.NEW_CONCERN: "A new safeguarding concern needs your attention",
    Alert.Kind.ADDED: "A safeguarding concern has been added to",
    Alert.Kind.ESCALATED: "A safeguarding concern is waiting for triage",
    Alert.Kind.ACTION_OVERDUE: "A safeguarding action is overdue",
    Alert.Kind.ACTION_ASSIGNED: "You have a safeguarding action",
    Alert.Kind.ACTION_UPDATED: "A safeguarding action has an update",
    Alert.Kind.TRANSFER_NOT_STARTED: "A child protection file needs transferring",
    Alert.Kind.TRANSFER_OVERDUE: "A child protection file transfer is overdue",
}


def alert_email(*, alert_id: int) -> bool:
    """E-mail one alert once; return whether this call sent it.

    The e-mail carries no name and no content, only a link to sign in. The row is claimed with a
    conditional UPDATE so two workers send one e-mail; a mail-server failure releases the claim.
    """
    now = timezone.now()
    claimed = Alert.objects.filter(pk=alert_id, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    alert = Alert.objects.select_related("recipient", "action").get(pk=alert_id)
    subject = ALERT_SUBJECTS.get(alert.kind, "Safeguarding: something needs your attention")
    if alert.urgent:
        subject = f"Urgent: {subject[0].lower()}{subject[1:]}"
    # An action's owner is sent to their own list of actions, which holds no concern.
    owns = alert.action is not None and alert.action.owner_id == alert.recipient_id
    link = site_url(reverse("safeguarding:my_actions" if owns else "core:today"))
    template = "safeguarding/email/action.txt" if owns else "safeguarding/email/alert.txt"
    try:
        send_mail(
            subject=email_subject(subject),
            message=render_to_string(
                template, {"alert": alert, "link": link, "site_name": site_name()}
            ),
            from_email=None,
            recipient_list=[alert.recipient.email],
        )
    except Exception:
        Alert.objects.filter(pk=alert_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


def alerts_pending_email_ids() -> list[int]:
    """Return the ids of recent alerts still waiting to be e-mailed."""
    return list(Alert.objects.pending_email().values_list("pk", flat=True))
