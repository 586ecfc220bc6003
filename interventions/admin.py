"""The Django admin for interventions: only the installation-wide lists (superusers).

Schools' own records are kept through SEND Hub's pages, with their permissions and audit.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from interventions.plans.models import PlanKind


@admin.register(PlanKind)
class PlanKindAdmin(admin.ModelAdmin):
    """The kinds of support plan every school chooses from (IEP, behaviour, pastoral...)."""

    list_display = ("name", "code", "order")
    list_editable = ("order",)
    search_fields = ("name", "code")

    def has_delete_permission(self, request: HttpRequest, obj: PlanKind | None = None) -> bool:
        # A kind in use stays (plans PROTECT it); an unused one may go.
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.plans.exists()
        )
