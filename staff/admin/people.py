"""People in the admin: accounts, their memberships and roles, invitations, the audit trail."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from staff.admin.access import HRAdminMixin, admin_allowed, admin_user, hr_school_ids
from staff.admin.records import person_record_inlines, save_record_formset
from staff.admin.roles import MembershipAdminForm, MembershipInlineFormSet, membership_admin_save
from staff.models import AuditEvent, Invitation, Membership, RoleProfile, School, Specialism, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("school", "job_title", "active")
    show_change_link = True
    formset = MembershipInlineFormSet

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    has_add_permission = has_change_permission = has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_formset(
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> type[MembershipInlineFormSet]:
        # Built from self.formset, so it is a MembershipInlineFormSet.
        formset = cast(type[MembershipInlineFormSet], super().get_formset(request, obj, **kwargs))
        formset.by = admin_user(request)
        return formset


@admin.register(User)
class UserAdmin(HRAdminMixin, admin.ModelAdmin):
    school_path = "memberships__school"
    list_display = ("full_name", "email", "job_title", "is_active")
    list_filter = ("is_active", "memberships__school")
    search_fields = ("full_name", "email")
    fields = ("full_name", "email", "job_title", "is_active", "last_login", "date_joined")
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Accounts come from invitations; the admin edits details, never passwords or e-mail.
        return (*self.readonly_fields, "email") if obj else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return [*self.inlines, *person_record_inlines()] if obj else list(self.inlines)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if isinstance(formset, MembershipInlineFormSet):
            formset.save_through_service(request)
        elif not save_record_formset(request, formset):
            super().save_formset(request, form, formset, change)


class SpecialismInline(admin.TabularInline):
    model = Specialism
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Membership)
class MembershipAdmin(HRAdminMixin, admin.ModelAdmin):
    list_display = ("user", "school", "job_title", "role_profile", "line_manager", "active")
    list_filter = ("school", "active", "roles__role", "specialisms__area")
    search_fields = ("user__full_name", "user__email")
    # Roles are a field of the form, saved by staff.services.membership_roles_change: there is
    # no inline of role rows and no bulk action, so the grant rule has no way round it.
    form = MembershipAdminForm
    inlines = [SpecialismInline]
    actions = None
    autocomplete_fields = ("user", "line_manager")
    fieldsets = [
        (None, {"fields": ("user", "school", "job_title", "active")}),
        ("Roles", {"fields": ("roles",)}),
        (
            "Role profile and line management",
            {"fields": ("role_profile", "line_manager", ("contracted_hours", "contracted_weeks"))},
        ),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = hr_school_ids(request.user)
        if db_field.name in {"user", "line_manager"} and ids is not None:
            kwargs["queryset"] = User.objects.filter(memberships__school__in=ids).distinct()
        if db_field.name == "role_profile":
            profiles = RoleProfile.objects.current().select_related("school", "trust")
            kwargs["queryset"] = profiles if ids is None else profiles.for_schools(ids)
        if db_field.name == "school" and ids is not None:
            kwargs["queryset"] = School.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A membership is one person in one school: moving it would carry its roles elsewhere.
        return ("user", "school") if obj else ()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[MembershipAdminForm]:
        # Built from self.form, so it is a MembershipAdminForm.
        form = cast(
            type[MembershipAdminForm], super().get_form(request, obj, change=change, **kwargs)
        )
        form.by = admin_user(request)
        return form

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        # Opening the membership and its roles are saved by the service, under the grant rule.
        wanted = obj.active
        obj.active = (
            Membership.objects.values_list("active", flat=True).get(pk=obj.pk) if change else False
        )
        super().save_model(request, obj, form, change)
        obj.active = wanted

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        membership = form.instance
        membership_admin_save(
            request, membership, roles=form.cleaned_data["roles"], active=membership.active
        )


@admin.register(Invitation)
class InvitationAdmin(HRAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ("email", "school", "created_at", "expires_at", "sent_at", "accepted_at")
    list_filter = ("school",)
    search_fields = ("email", "full_name")
    exclude = ("nonce",)


@admin.register(AuditEvent)
class AuditEventAdmin(HRAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ("at", "action", "actor", "school", "object_type", "object_id", "ip_address")
    list_filter = ("action", "school")
    search_fields = ("action", "actor__email")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Safeguarding views are audited here too, and HR admins see no safeguarding data.
        return super().get_queryset(request).exclude(action__startswith="safeguarding.")
