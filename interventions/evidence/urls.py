"""URLs of the provision ledger and the pupils' evidence packs."""

from django.urls import path

from interventions.evidence import views

urlpatterns = [
    path("evidence/ledger/", views.ledger_school, name="ledger"),
    path("pupils/<int:pk>/ledger/", views.ledger_pupil, name="ledger_pupil"),
    path("pupils/<int:pk>/evidence/", views.evidence_pack_page, name="evidence_pack"),
    path("pupils/<int:pk>/evidence.pdf", views.evidence_pack_pdf, name="evidence_pack_pdf"),
    path("evidence/sample/", views.evidence_sample, name="evidence_sample"),
    path("sendco/provision/costs/", views.provision_costs, name="provision_costs"),
    path(
        "sendco/provision/costs/<slug:kind>/<int:pk>/remove/",
        views.provision_entry_remove,
        name="provision_entry_remove",
    ),
]
