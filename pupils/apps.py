from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "pupils"

    def ready(self) -> None:
        # Caseload sizes on the staff deployment page (staff must not import pupils).
        from staff.deployment import caseload_counter, register_caseload_provider

        register_caseload_provider(caseload_counter(self.get_model("KeyAdult")))

        # What a school's teacher-access settings add to a teacher's capabilities.
        from pupils.models.classes import SETTING_GRANTS, teacher_setting_grant
        from staff.permissions import register_setting_grant

        for capability, switch in SETTING_GRANTS.items():
            register_setting_grant(capability, teacher_setting_grant(switch))

        # The register's kept figures are retired by every write to what they count.
        from pupils.services.register_figures import connect_receivers

        connect_receivers()
