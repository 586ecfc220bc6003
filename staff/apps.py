from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff and schools"

    def ready(self) -> None:
        from staff import audit_receivers  # noqa: F401  (connects sign-in and MFA audit)
