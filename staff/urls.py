from django.urls import path

from staff.views import people, profiles, records, sign_ins

app_name = "staff"
urlpatterns = [
    path("school/", people.choose_school, name="choose_school"),
    path("staff/", people.members, name="members"),
    path("staff/invite/", people.invite, name="invite"),
    path("staff/people/<int:pk>/roles/", people.member_roles, name="member_roles"),
    path("invitations/<str:token>/", people.accept_invitation, name="accept_invitation"),
    path("staff/chart/", profiles.org_chart, name="org_chart"),
    path("staff/profiles/", profiles.profiles, name="profiles"),
    path("staff/profiles/<int:pk>/", profiles.profile, name="profile"),
    path("staff/profiles/<int:pk>/pdf/", profiles.profile_pdf, name="profile_pdf"),
    path("staff/deployment/", profiles.deployment, name="deployment"),
    path("staff/training/", records.training, name="training"),
    path("staff/sign-ins/", sign_ins.sign_in_history, name="sign_ins"),
    path("staff/people/<int:pk>/", records.person, name="person"),
    path("me/", records.my_record, name="my_record"),
]
