"""URLs of removals, behaviour events, the import and pattern monitoring."""

from django.urls import path

from interventions.behaviour import views

urlpatterns = [
    path("behaviour/", views.home, name="behaviour"),
    path("behaviour/removals/add/", views.removal_add, name="removal_add"),
    path("behaviour/removals/<int:pk>/", views.removal_detail, name="removal"),
    path("behaviour/events/add/", views.event_add, name="behaviour_event_add"),
    path("behaviour/import/", views.behaviour_import, name="behaviour_import"),
    path(
        "behaviour/import/<int:pk>/",
        views.behaviour_import_preview,
        name="behaviour_import_preview",
    ),
    path("behaviour/monitoring/", views.monitoring, name="monitoring"),
    path("behaviour/monitoring.csv", views.monitoring_csv, name="monitoring_csv"),
    path("behaviour/pupils/<int:pk>/", views.pupil_pattern, name="behaviour_pupil"),
]
