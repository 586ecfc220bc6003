"""The interventions app's URLs: each feature package lists its own, under one namespace."""

from interventions.attendance import urls as attendance
from interventions.behaviour import urls as behaviour
from interventions.connect import urls as connect
from interventions.delivery import urls as delivery
from interventions.ehcp import urls as ehcp
from interventions.evidence import urls as evidence
from interventions.insight import urls as insight
from interventions.outcomes import urls as outcomes
from interventions.plans import urls as plans
from interventions.reminders import urls as reminders
from interventions.teaching import urls as teaching

app_name = "interventions"
urlpatterns = [
    *delivery.urlpatterns,
    *outcomes.urlpatterns,
    *connect.urlpatterns,
    *behaviour.urlpatterns,
    *attendance.urlpatterns,
    *plans.urlpatterns,
    *reminders.urlpatterns,
    *ehcp.urlpatterns,
    *evidence.urlpatterns,
    *insight.urlpatterns,
    *teaching.urlpatterns,
]
