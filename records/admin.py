"""The retention schedule is edited in the admin (school-editable settings): HR admins add and
change their own school's rules and read the defaults, which only a superuser (the trust's IT
administrator) changes. Staff leaving dates are recorded here; the disposal log is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from records.models import DisposalLog, RetentionRule, StaffDeparture
from staff.admin.access import HRAdminMixin


@admin.register(RetentionRule)
class RetentionRuleAdmin(HRAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "school", "trigger", "years", "review", "source"]
    list_filter = ["kind", "school"]

    def scope(self, qs: QuerySet[Any], ids: Any) -> QuerySet[Any]:
        return qs.filter(Q(school_id__in=ids) | Q(school__isnull=True))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.school_id is None and not request.user.is_superuser:
            return False  # the defaults apply to every school of the installation
        return super().has_change_permission(request, obj)


@admin.register(StaffDeparture)
class StaffDepartureAdmin(HRAdminMixin, admin.ModelAdmin):
    list_display = ["user", "school", "left_on"]
    list_filter = ["school"]
    autocomplete_fields = ["user"]


@admin.register(DisposalLog)
class DisposalLogAdmin(HRAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["disposed_at", "school", "subject_ref", "kind", "model", "count", "files"]
    list_filter = ["kind"]
