from django.urls import path

from interventions.views import delivery, impact

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
]
