"""URL patterns for reports pages, folded into interventions/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
