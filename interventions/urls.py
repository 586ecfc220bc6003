from django.urls import path

from interventions import urls_ehcp, urls_plan_edit, urls_reports, urls_sendco
from interventions.views import behaviour, connect, delivery, impact, plans

app_name = "interventions"
urlpatterns = [
    path("", delivery.intervention_list, name="list"),
    path("add/", delivery.intervention_add, name="add"),
    path("programmes/", delivery.programme_list, name="programmes"),
    path("programmes/add/", delivery.programme_add, name="programme_add"),
    path("programmes/<int:pk>/", delivery.programme_edit, name="programme_edit"),
    path("<int:pk>/", delivery.detail, name="detail"),
    path("<int:pk>/edit/", delivery.intervention_edit, name="edit"),
    path("<int:pk>/status/", delivery.status_change, name="status"),
    path("<int:pk>/enrol/", delivery.enrol, name="enrol"),
    path("<int:pk>/enrol/search/", delivery.enrol_search, name="enrol_search"),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/leave/",
        delivery.enrolment_end,
        name="enrolment_end",
    ),
    path("<int:pk>/enrolments/<int:enrolment_pk>/targets/", delivery.targets, name="targets"),
    path("<int:pk>/log/", delivery.session_log, name="log"),
    path("<int:pk>/sessions/<int:session_pk>/", delivery.session_detail, name="session"),
    # Measures and the impact report
    path("<int:pk>/enrolments/<int:enrolment_pk>/measures/", impact.measures, name="measures"),
    path("<int:pk>/impact/", impact.impact, name="impact"),
    path("<int:pk>/impact.pdf", impact.impact_pdf, name="impact_pdf"),
    path("<int:pk>/impact/build/", impact.impact_build, name="impact_build"),
    # Connect rooms, placements and the daily register
    path("connect/", connect.rooms, name="connect_rooms"),
    path("connect/rooms/add/", connect.room_add, name="connect_room_add"),
    path("connect/rooms/<int:pk>/", connect.room_detail, name="connect_room"),
    path("connect/rooms/<int:pk>/edit/", connect.room_edit, name="connect_room_edit"),
    path("connect/rooms/<int:pk>/register/", connect.register, name="connect_register"),
    path("connect/rooms/<int:pk>/place/", connect.placement_add, name="connect_place"),
    path("connect/placements/<int:pk>/", connect.placement_detail, name="connect_placement"),
    path("connect/placements/<int:pk>/stage/", connect.stage_advance, name="connect_stage"),
    path("connect/placements/<int:pk>/stages/add/", connect.stage_add, name="connect_stage_add"),
    path("connect/placements/<int:pk>/end/", connect.placement_end, name="connect_end"),
    path("connect/checkins/", connect.checkins, name="checkins"),
    path("connect/checkins/add/", connect.checkin_list_add, name="checkin_list_add"),
    path("connect/checkins/<int:pk>/", connect.checkin_record, name="checkin_record"),
    path("connect/checkins/<int:pk>/remove/", connect.checkin_list_remove, name="checkin_remove"),
    # Removals, behaviour events and pattern monitoring
    path("behaviour/", behaviour.home, name="behaviour"),
    path("behaviour/removals/add/", behaviour.removal_add, name="removal_add"),
    path("behaviour/removals/<int:pk>/", behaviour.removal_detail, name="removal"),
    path("behaviour/events/add/", behaviour.event_add, name="behaviour_event_add"),
    path("behaviour/import/", behaviour.behaviour_import, name="behaviour_import"),
    path(
        "behaviour/import/<int:pk>/",
        behaviour.behaviour_import_preview,
        name="behaviour_import_preview",
    ),
    path("behaviour/monitoring/", behaviour.monitoring, name="monitoring"),
    path("behaviour/monitoring.csv", behaviour.monitoring_csv, name="monitoring_csv"),
    path("behaviour/pupils/<int:pk>/", behaviour.pupil_pattern, name="behaviour_pupil"),
    # Support plans, reviews, the EHCP calendar and reminders
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/review/", plans.plan_review, name="plan_review"),
    path("plans/calendar/", plans.calendar, name="calendar"),
    path("plans/notifications/", plans.notifications, name="notifications"),
    path(
        "plans/notifications/<int:pk>/read/",
        plans.notification_read,
        name="notification_read",
    ),
]
urlpatterns += (
    urls_plan_edit.urlpatterns
    + urls_ehcp.urlpatterns
    + urls_sendco.urlpatterns
    + urls_reports.urlpatterns
)
