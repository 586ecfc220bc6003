from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"

    def ready(self) -> None:
        # Delivered session minutes on the staff deployment page (staff must not import us).
        from interventions.deployment import session_minutes
        from staff.deployment import register_minutes_provider

        register_minutes_provider(session_minutes)
