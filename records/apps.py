from django.apps import AppConfig
from django.db.models.signals import post_migrate

from send_hub.lib.seeds import reseed_when_empty


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Records management"

    def ready(self) -> None:
        # The retention schedule's defaults, put back after a flush (send_hub.lib.seeds).
        post_migrate.connect(
            reseed_when_empty("records", {"RetentionRule": "0002_default_rules.forwards"}),
            sender=self,
            weak=False,
            dispatch_uid="records.reseed_when_empty",
        )
        # Archived leavers' records are read-only (records.archive).
        from records import archive

        archive.connect()
