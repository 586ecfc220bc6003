"""URLs of measures and the impact report."""

from django.urls import path

from interventions.outcomes import views

urlpatterns = [
    path("<int:pk>/enrolments/<int:enrolment_pk>/measures/", views.measures, name="measures"),
    path("<int:pk>/impact/", views.impact, name="impact"),
    path("<int:pk>/impact.pdf", views.impact_pdf, name="impact_pdf"),
    path("<int:pk>/impact/build/", views.impact_build, name="impact_build"),
]
