from django.apps import AppConfig
from django.db.models.signals import post_migrate

from send_hub.lib.seeds import reseed_when_empty


class InterventionsConfig(AppConfig):
    name = "interventions"

    def ready(self) -> None:
        # Reference rows from data migrations, put back after a flush (send_hub.lib.seeds).
        post_migrate.connect(
            reseed_when_empty(
                "interventions",
                {
                    "PlanKind": "0005_seed_plan_kinds.seed",
                    "AttendanceCode": "0010_seed_attendance_codes.seed",
                },
            ),
            sender=self,
            weak=False,
            dispatch_uid="interventions.reseed_when_empty",
        )

        # Delivered session minutes on the staff deployment page (staff must not import us).
        from interventions.delivery.deployment import session_minutes
        from staff.deployment import register_minutes_provider

        register_minutes_provider(session_minutes)

        # Tell DSLs, through the bell, when who holds a head or DSL role changes (staff.notices).
        from interventions.reminders.dsl_notices import dsl_notice_deliver
        from staff.notices import register_dsl_notice_deliverer

        register_dsl_notice_deliverer(dsl_notice_deliver)

        # A pupil's support sections are kept until what they show changes.
        from interventions.pupil_support import connect_receivers

        connect_receivers()
