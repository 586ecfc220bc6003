"""The admin for staff records: training and checks, ELSA supervision, CPD.

HR admins keep these for the people in their schools; the training types are one list for the
whole installation, so only superusers change it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from staff import services
from staff.admin.access import HRAdminMixin, admin_allowed, admin_user, hr_school_ids
from staff.models import CPDEntry, School, SupervisionSession, TrainingRecord, TrainingType, User


def people_of(user: Any) -> QuerySet[User]:
    """Return the people an HR admin keeps records for (everyone, for superusers)."""
    ids = hr_school_ids(user)
    people = User.objects.all()
    return people if ids is None else people.filter(memberships__school__in=ids).distinct()


class PersonScopedMixin:
    """Refuse records for people outside the HR admin's schools, even by a crafted request."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = people_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class _RecordInline(admin.TabularInline):
    # Records also point at User through recorded_by, so the inline must name the person's key.
    fk_name = "user"
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class TrainingRecordInline(_RecordInline):
    model = TrainingRecord
    fields = ("training_type", "completed_on", "expires_on", "provider", "reference")
    verbose_name_plural = "training and checks"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "training_type":
            kwargs["queryset"] = TrainingType.objects.filter(active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SupervisionSessionInline(_RecordInline):
    model = SupervisionSession
    fields = ("date", "school", "supervisor", "duration_minutes", "cases_discussed", "notes")
    verbose_name_plural = "ELSA supervision sessions"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = hr_school_ids(request.user)
        if db_field.name == "school" and ids is not None:
            kwargs["queryset"] = School.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CPDEntryInline(_RecordInline):
    model = CPDEntry
    fields = ("date", "title", "provider", "hours")


def person_record_inlines() -> list[type[admin.options.InlineModelAdmin]]:
    """Return the inlines the person's admin page shows below their memberships."""
    return [TrainingRecordInline, SupervisionSessionInline, CPDEntryInline]


def save_record_formset(request: HttpRequest, formset: BaseInlineFormSet) -> bool:
    """Save training through the service (it works out the expiry); return whether handled."""
    if formset.model is not TrainingRecord:
        if formset.model is SupervisionSession:
            for session in formset.save(commit=False):
                if session.pk is None:
                    session.recorded_by = admin_user(request)
                session.save()
            for gone in formset.deleted_objects:
                gone.delete()
            return True
        return False
    for record in formset.save(commit=False):
        services.training_record_save(record=record, by=admin_user(request))
    for gone in formset.deleted_objects:
        gone.delete()
    return True


@admin.register(TrainingType)
class TrainingTypeAdmin(HRAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "validity_months", "is_check", "active")
    list_filter = ("is_check", "active")
    search_fields = ("name",)
    prepopulated_fields = {"code": ("name",)}

    def scope(self, qs: QuerySet[Any], school_ids: set[int]) -> QuerySet[Any]:
        return qs  # one list for every school

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("expired", "Expired"), ("soon", "Expires within 60 days")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        if self.value() == "soon":
            return queryset.filter(expires_on__gte=today, expires_on__lte=today + timedelta(60))
        return queryset


@admin.register(TrainingRecord)
class TrainingRecordAdmin(PersonScopedMixin, HRAdminMixin, admin.ModelAdmin):
    school_path = "user__memberships__school"
    list_display = ("user", "training_type", "completed_on", "expires_on", "provider")
    list_filter = (
        "training_type",
        ExpiryFilter,
        ("user__memberships__school", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("user__full_name", "user__email", "training_type__name")
    autocomplete_fields = ("user",)
    date_hierarchy = "expires_on"
    fields = (
        "user",
        "training_type",
        "completed_on",
        "expires_on",
        "provider",
        "reference",
        "notes",
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)  # a record entered by mistake; its history stays

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            services.training_record_save(record=obj, by=admin_user(request))
        except ValidationError as exc:  # the form validated; only a race gets here
            self.message_user(request, " ".join(exc.messages), level="error")


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(PersonScopedMixin, HRAdminMixin, admin.ModelAdmin):
    list_display = ("user", "date", "supervisor", "duration_minutes", "cases_discussed", "school")
    list_filter = (("school", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__full_name", "supervisor")
    autocomplete_fields = ("user",)
    date_hierarchy = "date"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = hr_school_ids(request.user)
        if db_field.name == "school" and ids is not None:
            kwargs["queryset"] = School.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CPDEntry)
class CPDEntryAdmin(PersonScopedMixin, HRAdminMixin, admin.ModelAdmin):
    school_path = "user__memberships__school"
    list_display = ("user", "date", "title", "provider", "hours")
    search_fields = ("user__full_name", "title", "provider")
    autocomplete_fields = ("user",)
    date_hierarchy = "date"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)
