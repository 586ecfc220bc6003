"""URLs of the provision ledger and the pupils' evidence packs."""

from django.urls import path

from interventions.evidence import views

urlpatterns = [
    path("evidence/ledger/", views.ledger_school, name="ledger"),
    path("pupils/<int:pk>/ledger/", views.ledger_pupil, name="ledger_pupil"),
    path("sendco/provision/costs/", views.provision_costs, name="provision_costs"),
    path(
        "sendco/provision/costs/<slug:kind>/<int:pk>/remove/",
        views.provision_entry_remove,
        name="provision_entry_remove",
    ),
]
