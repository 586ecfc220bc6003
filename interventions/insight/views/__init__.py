"""The SENDCo's pages: dashboard, flag lists, provision map, what works, termly and trust
reports."""

from interventions.insight.views.dashboard import (
    ANY,
    CAPABILITY,
    CSV_HEADER,
    FLAG_PAGE_SIZE,
    TERMS_OFFERED,
    ProvisionFilterForm,
    YearForm,
    dashboard,
    flag_pupils,
    provision,
    provision_csv,
    provision_pdf,
    pupil_provision_page,
)
from interventions.insight.views.provision_all import provision_all_csv, provision_all_pdf
from interventions.insight.views.reports import (
    TERMS_COMPARED,
    TERMS_LISTED,
    BuildForm,
    TermForm,
    termly_report_build,
    termly_report_download,
    termly_reports,
    trust,
    what_works,
)

__all__ = [
    "ANY",
    "CAPABILITY",
    "CSV_HEADER",
    "FLAG_PAGE_SIZE",
    "TERMS_COMPARED",
    "TERMS_LISTED",
    "TERMS_OFFERED",
    "BuildForm",
    "ProvisionFilterForm",
    "TermForm",
    "YearForm",
    "dashboard",
    "flag_pupils",
    "provision",
    "provision_all_csv",
    "provision_all_pdf",
    "provision_csv",
    "provision_pdf",
    "pupil_provision_page",
    "termly_report_build",
    "termly_report_download",
    "termly_reports",
    "trust",
    "what_works",
]
