from django.urls import path

from staff import views, views_profiles, views_records, views_signins

app_name = "staff"
urlpatterns = [
    path("school/", views.choose_school, name="choose_school"),
    path("staff/", views.members, name="members"),
    path("staff/invite/", views.invite, name="invite"),
    path("staff/people/<int:pk>/roles/", views.member_roles, name="member_roles"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("staff/chart/", views_profiles.org_chart, name="org_chart"),
    path("staff/profiles/", views_profiles.profiles, name="profiles"),
    path("staff/profiles/<int:pk>/", views_profiles.profile, name="profile"),
    path("staff/profiles/<int:pk>/pdf/", views_profiles.profile_pdf, name="profile_pdf"),
    path("staff/deployment/", views_profiles.deployment, name="deployment"),
    path("staff/training/", views_records.training, name="training"),
    path("staff/sign-ins/", views_signins.sign_in_history, name="sign_ins"),
    path("staff/people/<int:pk>/", views_records.person, name="person"),
    path("me/", views_records.my_record, name="my_record"),
]
