"""The demo's morning: what the 07:00 safeguarding job would have done before anyone arrived."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from safeguarding.models import Alert
from safeguarding.services import actions_overdue_remind, transfers_remind
from staff.models import School


def seed_today(*, schools: list[School]) -> None:
    """Alert the DSL team to overdue actions and unmoved files, as the 07:00 job would have.

    Their e-mails count as sent with the alerts, like the builder's own: the demo's terminal
    shows e-mails from what people do, not a morning's worth at every start.
    """
    started = timezone.now()
    with transaction.atomic():
        actions_overdue_remind()
        transfers_remind()
        Alert.objects.filter(emailed_at__isnull=True, created_at__gte=started).update(
            emailed_at=F("created_at")
        )
