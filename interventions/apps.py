from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"

    def ready(self) -> None:
        # Delivered session minutes on the staff deployment page (staff must not import us).
        from interventions.delivery.deployment import session_minutes
        from staff.deployment import register_minutes_provider

        register_minutes_provider(session_minutes)

        # Tell DSLs, through the bell, when who holds a head or DSL role changes (staff.notices).
        from interventions.reminders.dsl_notices import dsl_notice_deliver
        from staff.notices import register_dsl_notice_deliverer

        register_dsl_notice_deliverer(dsl_notice_deliver)
