"""URL patterns for the SENDCo's dashboard, its flag lists and the provision map, folded into
interventions/urls.py."""

from django.urls import path

from interventions.views import sendco

urlpatterns = [
    path("sendco/", sendco.dashboard, name="sendco"),
    path("sendco/flags/<slug:flag>/", sendco.flag_pupils, name="sendco_flag"),
    path("sendco/provision/", sendco.provision, name="sendco_provision"),
    path("sendco/provision.csv", sendco.provision_csv, name="sendco_provision_csv"),
    path("sendco/provision.pdf", sendco.provision_pdf, name="sendco_provision_pdf"),
    path(
        "sendco/pupils/<int:pk>/provision/",
        sendco.pupil_provision_page,
        name="sendco_pupil_provision",
    ),
]
