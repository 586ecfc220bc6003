"""URL patterns for plan edit pages, folded into interventions/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
