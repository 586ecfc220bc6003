"""URLs of programmes, interventions, enrolments and session logs."""

from django.urls import path

from interventions.delivery import views

urlpatterns = [
    path("", views.intervention_list, name="list"),
    path("add/", views.intervention_add, name="add"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/add/", views.programme_add, name="programme_add"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.intervention_edit, name="edit"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/enrol/search/", views.enrol_search, name="enrol_search"),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/leave/",
        views.enrolment_end,
        name="enrolment_end",
    ),
    path("<int:pk>/enrolments/<int:enrolment_pk>/targets/", views.targets, name="targets"),
    path("<int:pk>/log/", views.session_log, name="log"),
    path("<int:pk>/sessions/", views.session_history, name="sessions"),
    path("<int:pk>/sessions/<int:session_pk>/", views.session_detail, name="session"),
]
