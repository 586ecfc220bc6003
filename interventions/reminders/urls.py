"""URLs of what is due: the review calendar and each person's reminders."""

from django.urls import path

from interventions.reminders import views

urlpatterns = [
    path("plans/calendar/", views.calendar, name="calendar"),
    path("plans/notifications/", views.notifications, name="notifications"),
    path(
        "plans/notifications/<int:pk>/read/",
        views.notification_read,
        name="notification_read",
    ),
]
