"""URLs of support plans: the list, starting and editing one, its page and its review."""

from django.urls import path

from interventions.plans.views import edit, review

urlpatterns = [
    path("plans/", edit.plan_list, name="plan_list"),
    path("plans/start/", edit.plan_start, name="plan_start"),
    path("plans/start/<int:pupil_pk>/", edit.plan_start_for, name="plan_start_for"),
    path("plans/<int:pk>/edit/", edit.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/agree/", edit.plan_agree, name="plan_agree"),
    path("plans/<int:pk>/versions/<int:number>/", edit.plan_version, name="plan_version"),
    path("plans/<int:pk>/targets/add/", edit.target_add, name="plan_target_add"),
    path(
        "plans/<int:pk>/targets/<int:target_pk>/",
        edit.target_edit,
        name="plan_target_edit",
    ),
    path(
        "plans/<int:pk>/targets/<int:target_pk>/remove/",
        edit.target_remove,
        name="plan_target_remove",
    ),
    path("plans/<int:pk>/", review.plan_detail, name="plan"),
    path("plans/<int:pk>/review/", review.plan_review, name="plan_review"),
]
