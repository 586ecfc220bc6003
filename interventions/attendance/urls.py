"""URLs of school attendance and the early warning."""

from django.urls import path

from interventions.attendance import views

urlpatterns = [
    path("attendance/", views.overview, name="attendance"),
    path("attendance/import/", views.attendance_import, name="attendance_import"),
    path(
        "attendance/import/<int:pk>/",
        views.attendance_import_preview,
        name="attendance_import_preview",
    ),
    path("attendance/pupils/<int:pk>/", views.pupil_attendance, name="attendance_pupil"),
    path("attendance/early-warnings/", views.early_warnings, name="early_warnings"),
    path(
        "attendance/early-warnings/<int:pk>/",
        views.early_warning_detail,
        name="early_warning",
    ),
    path(
        "attendance/early-warnings/settings/",
        views.early_warning_settings,
        name="early_warning_settings",
    ),
]
