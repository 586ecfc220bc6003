from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "pupils"

    def ready(self) -> None:
        # Caseload sizes on the staff deployment page (staff must not import pupils).
        from staff.deployment import caseload_counter, register_caseload_provider

        register_caseload_provider(caseload_counter(self.get_model("KeyAdult")))
