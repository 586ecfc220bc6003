"""URLs of the SENDCo's dashboard, flag lists, provision map, what works and the reports."""

from django.urls import path

from interventions.insight import views

urlpatterns = [
    path("sendco/", views.dashboard, name="sendco"),
    path("sendco/flags/<slug:flag>/", views.flag_pupils, name="sendco_flag"),
    path("sendco/provision/", views.provision, name="sendco_provision"),
    path("sendco/provision.csv", views.provision_csv, name="sendco_provision_csv"),
    path("sendco/provision.pdf", views.provision_pdf, name="sendco_provision_pdf"),
    path("sendco/provision/all.csv", views.provision_all_csv, name="sendco_provision_all_csv"),
    path("sendco/provision/all.pdf", views.provision_all_pdf, name="sendco_provision_all_pdf"),
    path(
        "sendco/pupils/<int:pk>/provision/",
        views.pupil_provision_page,
        name="sendco_pupil_provision",
    ),
    # What works, and the termly impact report for leaders and governors
    path("sendco/what-works/", views.what_works, name="what_works"),
    path("sendco/reports/", views.termly_reports, name="termly_reports"),
    path("sendco/reports/build/", views.termly_report_build, name="termly_report_build"),
    path(
        "sendco/reports/<int:pk>/download/",
        views.termly_report_download,
        name="termly_report_download",
    ),
    # Each school of the person's trust, side by side
    path("trust/", views.trust, name="trust"),
]
