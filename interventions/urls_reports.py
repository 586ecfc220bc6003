"""URL patterns for reports pages, folded into interventions/urls.py."""

from django.urls import path

from interventions.views import sendco_reports

urlpatterns: list = [
    # What works, and the termly impact report for leaders and governors
    path("sendco/what-works/", sendco_reports.what_works, name="what_works"),
    path("sendco/reports/", sendco_reports.termly_reports, name="termly_reports"),
    path("sendco/reports/build/", sendco_reports.termly_report_build, name="termly_report_build"),
    path(
        "sendco/reports/<int:pk>/download/",
        sendco_reports.termly_report_download,
        name="termly_report_download",
    ),
    # Each school of the person's trust, side by side
    path("trust/", sendco_reports.trust, name="trust"),
]
