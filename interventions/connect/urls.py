"""URLs of Connect rooms, placements, the daily register and check-ins."""

from django.urls import path

from interventions.connect import views

urlpatterns = [
    path("connect/", views.rooms, name="connect_rooms"),
    path("connect/rooms/add/", views.room_add, name="connect_room_add"),
    path("connect/rooms/<int:pk>/", views.room_detail, name="connect_room"),
    path("connect/rooms/<int:pk>/edit/", views.room_edit, name="connect_room_edit"),
    path("connect/rooms/<int:pk>/register/", views.register, name="connect_register"),
    path("connect/rooms/<int:pk>/place/", views.placement_add, name="connect_place"),
    path("connect/placements/<int:pk>/", views.placement_detail, name="connect_placement"),
    path("connect/placements/<int:pk>/stage/", views.stage_advance, name="connect_stage"),
    path("connect/placements/<int:pk>/stages/add/", views.stage_add, name="connect_stage_add"),
    path("connect/placements/<int:pk>/end/", views.placement_end, name="connect_end"),
    path("connect/checkins/", views.checkins, name="checkins"),
    path("connect/checkins/add/", views.checkin_list_add, name="checkin_list_add"),
    path("connect/checkins/<int:pk>/", views.checkin_record, name="checkin_record"),
    path("connect/checkins/<int:pk>/remove/", views.checkin_list_remove, name="checkin_remove"),
]
