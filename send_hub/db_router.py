"""Route the heavy read-only reports to a streaming replica; everything else to the primary.

settings.DATABASES has a ``replica`` alias only when DATABASE_REPLICA_URL is set. Reports marked
with ``send_hub.lib.replica.reads_from_replica`` (the provision map, what works, the termly
figures, the trust view, the CSV exports) read from it; without one they read from the primary
as every other page does. Writes never go to the replica: a hot standby refuses them anyway, and
a write routed there would fail the request instead of saving.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import Model

from send_hub.lib.replica import REPLICA, replica_wanted

PRIMARY = "default"
CACHE_APP_LABEL = "django_cache"  # the app label of DatabaseCache's table


class ReplicaRouter:
    """Reads inside ``replica_reads()`` go to the replica when configured; writes to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Inside a transaction on the primary, read what it has written (and lock rows there).
        # The cache (django.core.cache's database table) is read where it is written: a report
        # kept a moment ago is found at once, not missed until the replica has replayed it.
        if (
            model._meta.app_label != CACHE_APP_LABEL
            and replica_wanted()
            and REPLICA in connections.settings
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two copies: a row read from either may point at the other

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's tables by streaming
