"""URLs of teachers' pages: My classes, the class summary, review input and strategies."""

from django.urls import path

from interventions.teaching import views

urlpatterns = [
    path("my-classes/", views.my_classes, name="my_classes"),
    path("classes/<int:pk>/summary.pdf", views.class_summary_pdf, name="class_summary_pdf"),
    path("review-input/<str:token>/", views.review_input, name="review_input"),
    path(
        "teaching/plans/<int:pk>/ask-teachers/", views.plan_ask_teachers, name="plan_ask_teachers"
    ),
    path(
        "teaching/annual-reviews/<int:pk>/ask-teachers/",
        views.review_ask_teachers,
        name="ehcp_review_ask_teachers",
    ),
    path(
        "pupils/<int:pupil_pk>/strategy-feedback/",
        views.strategy_feedback,
        name="strategy_feedback",
    ),
    path("sendco/strategies/", views.strategies_across_teachers, name="strategies_across_teachers"),
]
