from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"

    def ready(self) -> None:
        # Which pupils carry the neutral "speak to the DSL" flag, for lists that show it (a
        # teacher's classes); pupils must not import safeguarding, so it asks through a hook.
        from pupils.models.classes import register_flag_provider
        from safeguarding.services.flags import flagged_among

        register_flag_provider(flagged_among)

        # A pupil's page keeps whether the flag is on with the pupil's register record
        # (pupils.views.profile): setting or lifting the flag retires the kept copy.
        from pupils.services.register_figures import follow
        from safeguarding.models import PupilFlag

        follow(PupilFlag, "pupil_id")

        # The queue and the chronologies are kept until the school's files change.
        from safeguarding.services.kept import connect_receivers

        connect_receivers()
