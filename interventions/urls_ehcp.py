"""URL patterns for ehcp pages, folded into interventions/urls.py."""

from django.urls import path

from interventions.views import ehcp

urlpatterns: list = [
    # A pupil's EHCP: the way in from the pupil page, and recording one
    path("pupils/<int:pupil_pk>/ehcp/", ehcp.pupil_ehcp, name="ehcp_pupil"),
    path("pupils/<int:pupil_pk>/ehcp/new/", ehcp.ehcp_create, name="ehcp_create"),
    # The EHCP: details, section E outcomes and section F provision
    path("ehcp/<int:pk>/", ehcp.detail, name="ehcp"),
    path("ehcp/<int:pk>/edit/", ehcp.ehcp_edit, name="ehcp_edit"),
    path("ehcp/<int:pk>/outcomes/add/", ehcp.outcome_add, name="ehcp_outcome_add"),
    path("ehcp/<int:pk>/outcomes/<int:outcome_pk>/", ehcp.outcome_edit, name="ehcp_outcome_edit"),
    path(
        "ehcp/<int:pk>/outcomes/<int:outcome_pk>/remove/",
        ehcp.outcome_remove,
        name="ehcp_outcome_remove",
    ),
    path("ehcp/<int:pk>/provision/add/", ehcp.provision_add, name="ehcp_provision_add"),
    path(
        "ehcp/<int:pk>/provision/<int:line_pk>/",
        ehcp.provision_edit,
        name="ehcp_provision_edit",
    ),
    path(
        "ehcp/<int:pk>/provision/<int:line_pk>/remove/",
        ehcp.provision_remove,
        name="ehcp_provision_remove",
    ),
    # Annual reviews: schedule, the deadlines page, recording steps, the report
    path("ehcp/<int:pk>/reviews/add/", ehcp.review_schedule, name="ehcp_review_schedule"),
    path("ehcp/reviews/<int:pk>/", ehcp.review_detail, name="ehcp_review"),
    path("ehcp/reviews/<int:pk>/steps/", ehcp.review_step, name="ehcp_review_step"),
    path(
        "ehcp/reviews/<int:pk>/reschedule/",
        ehcp.review_reschedule,
        name="ehcp_review_reschedule",
    ),
    path("ehcp/reviews/<int:pk>/report.pdf", ehcp.review_pdf, name="ehcp_review_pdf"),
]
