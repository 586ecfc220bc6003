from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("", views.home, name="home"),
    path("disposal/<int:pk>/", views.batch, name="batch"),
    path("holds/add/", views.hold_add, name="hold_add"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("requests/add/", views.request_add, name="request_add"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/build/", views.request_build, name="request_build"),
    path("requests/<int:pk>/release/", views.request_release, name="request_release"),
    path("requests/<int:pk>/bundle/", views.request_bundle, name="request_bundle"),
]
