"""URLs of EHCPs: the record, section E outcomes, section F provision and annual reviews."""

from django.urls import path

from interventions.ehcp import views

urlpatterns = [
    # A pupil's EHCP: the way in from the pupil page, and recording one
    path("pupils/<int:pupil_pk>/ehcp/", views.pupil_ehcp, name="ehcp_pupil"),
    path("pupils/<int:pupil_pk>/ehcp/new/", views.ehcp_create, name="ehcp_create"),
    # The EHCP: details, section E outcomes and section F provision
    path("ehcp/<int:pk>/", views.detail, name="ehcp"),
    path("ehcp/<int:pk>/edit/", views.ehcp_edit, name="ehcp_edit"),
    path("ehcp/<int:pk>/outcomes/add/", views.outcome_add, name="ehcp_outcome_add"),
    path("ehcp/<int:pk>/outcomes/<int:outcome_pk>/", views.outcome_edit, name="ehcp_outcome_edit"),
    path(
        "ehcp/<int:pk>/outcomes/<int:outcome_pk>/remove/",
        views.outcome_remove,
        name="ehcp_outcome_remove",
    ),
    path("ehcp/<int:pk>/provision/add/", views.provision_add, name="ehcp_provision_add"),
    path(
        "ehcp/<int:pk>/provision/<int:line_pk>/",
        views.provision_edit,
        name="ehcp_provision_edit",
    ),
    path(
        "ehcp/<int:pk>/provision/<int:line_pk>/remove/",
        views.provision_remove,
        name="ehcp_provision_remove",
    ),
    # Annual reviews: schedule, the deadlines page, recording steps, the report
    path("ehcp/<int:pk>/reviews/add/", views.review_schedule, name="ehcp_review_schedule"),
    path("ehcp/reviews/<int:pk>/", views.review_detail, name="ehcp_review"),
    path("ehcp/reviews/<int:pk>/steps/", views.review_step, name="ehcp_review_step"),
    path(
        "ehcp/reviews/<int:pk>/reschedule/",
        views.review_reschedule,
        name="ehcp_review_reschedule",
    ),
    path("ehcp/reviews/<int:pk>/report.pdf", views.review_pdf, name="ehcp_review_pdf"),
    path(
        "ehcp/reviews/<int:pk>/report.docx",
        views.review_docx_download,
        name="ehcp_review_docx",
    ),
    # The review's record: invitations, views, progress, delivery, amendments, recommendation
    path("ehcp/reviews/<int:pk>/invitees/add/", views.invitee_add, name="ehcp_review_invitee_add"),
    path(
        "ehcp/reviews/<int:pk>/invitees/<int:invitee_pk>/",
        views.invitee_edit,
        name="ehcp_review_invitee_edit",
    ),
    path(
        "ehcp/reviews/<int:pk>/invitees/<int:invitee_pk>/remove/",
        views.invitee_remove,
        name="ehcp_review_invitee_remove",
    ),
    path(
        "ehcp/reviews/<int:pk>/outcomes/<int:outcome_pk>/",
        views.progress_edit,
        name="ehcp_review_progress",
    ),
    path(
        "ehcp/reviews/<int:pk>/provision/<int:line_pk>/",
        views.provision_check_edit,
        name="ehcp_review_provision",
    ),
    path(
        "ehcp/reviews/<int:pk>/amendments/add/",
        views.amendment_add,
        name="ehcp_review_amendment_add",
    ),
    path(
        "ehcp/reviews/<int:pk>/amendments/<int:amendment_pk>/remove/",
        views.amendment_remove,
        name="ehcp_review_amendment_remove",
    ),
    path("ehcp/reviews/<int:pk>/<slug:part>/", views.review_part, name="ehcp_review_part"),
]
