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
    path("attendance/part-time/", views.parttime_list, name="parttime_list"),
    path("attendance/part-time/export/", views.parttime_csv, name="parttime_csv"),
    path("attendance/part-time/new/", views.parttime_new, name="parttime_new"),
    path("attendance/part-time/<int:pk>/", views.parttime_detail, name="parttime"),
    path("attendance/off-site/", views.offsite_list, name="offsite_list"),
    path("attendance/off-site/today/", views.offsite_today, name="offsite_today"),
    path("attendance/off-site/new/", views.offsite_new, name="offsite_new"),
    path("attendance/off-site/<int:pk>/", views.offsite_detail, name="offsite"),
]
