"""URL patterns for plan edit pages, folded into interventions/urls.py."""

from django.urls import path

from interventions.views import plan_edit

urlpatterns: list = [
    path("plans/", plan_edit.plan_list, name="plan_list"),
    path("plans/start/", plan_edit.plan_start, name="plan_start"),
    path("plans/start/<int:pupil_pk>/", plan_edit.plan_start_for, name="plan_start_for"),
    path("plans/<int:pk>/edit/", plan_edit.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/agree/", plan_edit.plan_agree, name="plan_agree"),
    path("plans/<int:pk>/versions/<int:number>/", plan_edit.plan_version, name="plan_version"),
    path("plans/<int:pk>/targets/add/", plan_edit.target_add, name="plan_target_add"),
    path(
        "plans/<int:pk>/targets/<int:target_pk>/",
        plan_edit.target_edit,
        name="plan_target_edit",
    ),
    path(
        "plans/<int:pk>/targets/<int:target_pk>/remove/",
        plan_edit.target_remove,
        name="plan_target_remove",
    ),
]
