"""URL patterns for sendco pages, folded into interventions/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
