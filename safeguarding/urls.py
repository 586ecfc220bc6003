from django.urls import path

from safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("raise/", views.raise_concern, name="raise"),
]
