from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from send_hub import views

# The admin's sign-in goes through allauth, so it gets the same rate limits and MFA.
# (allauth's documented recipe replaces the bound method, which mypy forbids in general.)
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "SEND Hub administration"
admin.site.site_title = "SEND Hub admin"

core_patterns = (
    [
        path("", RedirectView.as_view(pattern_name="core:today", permanent=False), name="home"),
        path("today/", views.today, name="today"),
        path("healthz", views.healthz, name="healthz"),
    ],
    "core",
)

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without a link to ours (the admin's).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg")),
    path("", include(core_patterns)),
    path("", include("staff.urls")),
    path("pupils/", include("pupils.urls")),
    path("interventions/", include("interventions.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("records/", include("records.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
