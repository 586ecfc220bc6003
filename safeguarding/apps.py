from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"

    def ready(self) -> None:
        # Which pupils carry the neutral "speak to the DSL" flag, for lists that show it (a
        # teacher's classes); pupils must not import safeguarding, so it asks through a hook.
        from pupils.models.classes import register_flag_provider
        from safeguarding.services.flags import flagged_among

        register_flag_provider(flagged_among)
