from django.urls import path

from staff import views

app_name = "staff"
urlpatterns = [
    path("school/", views.choose_school, name="choose_school"),
    path("staff/", views.members, name="members"),
    path("staff/invite/", views.invite, name="invite"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
