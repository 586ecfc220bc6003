"""The role-profile admin: made for an HR admin who has never been shown it.

Everything on one page (the role, then each list of rows to drag or number), a preview and an A4
PDF one click away, "duplicate as a new version" that keeps the old one read-only, and JSON in
and out. HR admins see the profiles of their schools and their trust's standards; they change a
trust-wide standard only if they are HR admin in every school of that trust.
"""

from __future__ import annotations

from typing import Any, cast

from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from send_hub.lib.forms import form_field
from staff import services
from staff.admin.access import (
    HRAdminMixin,
    admin_user,
    editable_trust_ids,
    hr_school_ids,
    may_edit,
)
from staff.admin.profile_forms import (
    AdoptForm,
    DepartmentFilter,
    GradeFilter,
    ImportForm,
    RoleProfileForm,
)
from staff.admin.profile_inlines import (
    AccountabilityInline,
    ContactInline,
    CriterionInline,
    SafeguardingDutyInline,
    ValueInline,
)
from staff.models import RoleProfile, School, Trust
from staff.models.profiles import STANDARD_FIELDS, RoleProfileQuerySet
from staff.profiles.document import document_context
from staff.profiles.history import profile_changes
from staff.profiles.io import profiles_to_json
from staff.profiles.printing import pdf_response, render_pdf

# The employer's wording on a profile adopted from a trust standard is shown, never edited here.


@admin.register(RoleProfile)
class RoleProfileAdmin(HRAdminMixin, SortableAdminBase, admin.ModelAdmin):
    form = RoleProfileForm
    change_form_template = "staff/admin/role_profile_change_form.html"
    change_list_template = "staff/admin/role_profile_change_list.html"
    list_display = (
        "title",
        "reference",
        "version_label",
        "owner_label",
        "department",
        "grade",
        "profile_date",
    )
    list_filter = (
        "status",
        DepartmentFilter,
        GradeFilter,
        ("school", admin.RelatedOnlyFieldListFilter),
        ("trust", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "reference", "department", "section", "specialism", "grade")
    list_select_related = ("school", "trust")
    actions = ["export_json", "duplicate_as_new_version"]
    inlines = [
        AccountabilityInline,
        ContactInline,
        ValueInline,
        SafeguardingDutyInline,
        CriterionInline,
    ]
    readonly_fields = ("version_label", "based_on_link")
    fieldsets = [
        (
            "The role",
            {
                "fields": (
                    "title",
                    "reference",
                    ("school", "trust"),
                    "employer",
                    ("department", "section"),
                    "specialism",
                    "reports_to",
                    "reports_to_as_written",
                    "seen_updated_at",
                )
            },
        ),
        (
            "Grade, pay and hours",
            {
                "fields": (
                    ("grade", "job_family_code", "evaluation_band"),
                    ("salary_min", "salary_max", "salary_note"),
                    ("hours_per_week", "working_pattern"),
                )
            },
        ),
        (
            "Dates and version",
            {
                "fields": (
                    ("profile_date", "profile_date_month_only"),
                    "local_duties_reviewed",
                    "version_label",
                    "based_on_link",
                )
            },
        ),
        ("Purpose", {"fields": ("summary", "purpose")}),
        (
            "Key decisions, dimensions, conditions, requirements and context",
            {
                "description": "One point per line. Each first box is the employer's standard "
                "wording; the “(local)” box below it is this school's, only where it differs.",
                "fields": (
                    "key_decisions",
                    "key_decisions_local",
                    "dimensions",
                    "dimensions_local",
                    "working_conditions",
                    "working_conditions_local",
                    "requirements",
                    "requirements_local",
                    "context",
                    "context_local",
                ),
            },
        ),
        ("Safeguarding", {"fields": ("safeguarding_statement",)}),
    ]

    class Media:
        css = {"all": ["css/staff-admin.css"]}

    # Scope and permissions

    def scope(self, qs: QuerySet[Any], school_ids: set[int]) -> QuerySet[Any]:
        # The admin's queryset is RoleProfile's own (get_queryset of this admin).
        return cast(RoleProfileQuerySet, qs).for_schools(school_ids)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_edit(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(self.readonly_fields)
        if obj is not None:
            fields += ("school", "trust")  # a profile stays with its owner; adopt to copy it
            if obj.based_on_id:
                fields += STANDARD_FIELDS
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = hr_school_ids(request.user)
        if db_field.name == "school" and ids is not None:
            kwargs["queryset"] = School.objects.filter(pk__in=ids)
        elif db_field.name == "trust":
            trusts = editable_trust_ids(request.user)
            if trusts is not None:
                kwargs["queryset"] = Trust.objects.filter(pk__in=trusts)
        elif db_field.name == "reports_to":
            profiles = RoleProfile.objects.current().select_related("school", "trust")
            kwargs["queryset"] = profiles if ids is None else profiles.for_schools(ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Columns

    @admin.display(description="version", ordering="version")
    def version_label(self, obj: RoleProfile) -> str:
        return f"{obj.version} (current)" if obj.is_current else f"{obj.version} (replaced)"

    @admin.display(description="belongs to")
    def owner_label(self, obj: RoleProfile) -> str:
        return obj.school.name if obj.school else f"{obj.trust} (trust-wide)"

    @admin.display(description="adopted from")
    def based_on_link(self, obj: RoleProfile) -> str:
        return str(obj.based_on) if obj.based_on else "—"

    # Pages of its own

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        mine = [
            path("import/", wrap(self.import_view), name="staff_roleprofile_import"),
            path(
                "<path:object_id>/preview/",
                wrap(self.preview_view),
                name="staff_roleprofile_preview",
            ),
            path("<path:object_id>/pdf/", wrap(self.pdf_view), name="staff_roleprofile_pdf"),
            path("<path:object_id>/json/", wrap(self.json_view), name="staff_roleprofile_json"),
            path(
                "<path:object_id>/new-version/",
                wrap(require_POST(self.new_version_view)),
                name="staff_roleprofile_new_version",
            ),
            path("<path:object_id>/adopt/", wrap(self.adopt_view), name="staff_roleprofile_adopt"),
        ]
        return mine + super().get_urls()

    def _profile(self, request: HttpRequest, object_id: str) -> RoleProfile:
        profile = self.get_object(request, unquote(object_id))
        if profile is None:
            raise Http404
        if not self.has_view_permission(request, profile):
            raise PermissionDenied
        return profile

    def _with_contents(self, request: HttpRequest, object_id: str) -> RoleProfile:
        profile = self._profile(request, object_id)
        return RoleProfile.objects.with_contents().get(pk=profile.pk)

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._with_contents(request, object_id)
        context = {
            **document_context(profile),
            "back_url": reverse("admin:staff_roleprofile_change", args=[profile.pk]),
            "pdf_url": reverse("admin:staff_roleprofile_pdf", args=[profile.pk]),
        }
        return TemplateResponse(request, "staff/role_profile_document.html", context)

    def pdf_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._with_contents(request, object_id)
        pdf = render_pdf(
            "staff/role_profile_document.html", document_context(profile), request=request
        )
        return pdf_response(pdf, profile.title, profile.version)

    def json_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._with_contents(request, object_id)
        return self._json_response([profile], f"role-profile-{profile.pk}-v{profile.version}")

    def _json_response(self, profiles: list[RoleProfile], name: str) -> HttpResponse:
        response = HttpResponse(profiles_to_json(profiles), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._profile(request, object_id)
        if not profile.is_current:
            latest = RoleProfile.objects.current().filter(lineage=profile.lineage).first()
            messages.error(request, "This version has already been replaced: this is the latest.")
            return redirect("admin:staff_roleprofile_change", (latest or profile).pk)
        if not may_edit(request, profile):
            raise PermissionDenied
        try:
            new = services.role_profile_new_version(profile=profile, by=admin_user(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("admin:staff_roleprofile_change", profile.pk)
        messages.success(
            request,
            f"This is version {new.version}: make your changes and save. Version "
            f"{profile.version} is kept as it was, read-only.",
        )
        return redirect("admin:staff_roleprofile_change", new.pk)

    def adopt_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        profile = self._profile(request, object_id)
        # A profile has one owner: a trust-wide standard is one whose owner is a trust.
        if profile.trust_id is None or not profile.is_current:
            messages.error(request, "Only the current version of a trust-wide profile is adopted.")
            return redirect("admin:staff_roleprofile_change", profile.pk)
        ids = hr_school_ids(request.user)
        schools = School.objects.filter(trust_id=profile.trust_id)
        if ids is not None:
            schools = schools.filter(pk__in=ids)
        form = AdoptForm(request.POST or None)
        form_field(form, "school", forms.ModelChoiceField).queryset = schools
        if request.method == "POST" and form.is_valid():
            try:
                local = services.role_profile_adopt(
                    profile=profile, school=form.cleaned_data["school"], by=admin_user(request)
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"{local.school} now has its own copy. The standard wording stays as the "
                    "trust wrote it; add the school's local duties beside it.",
                )
                return redirect("admin:staff_roleprofile_change", local.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Adopt {profile.title} for a school",
            "opts": self.model._meta,
            "profile": profile,
            "form": form,
        }
        return TemplateResponse(request, "staff/admin/role_profile_adopt.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                created, notes = services.role_profiles_import(
                    parsed=form.cleaned_data["parsed"],
                    school=form.cleaned_data.get("school"),
                    trust=form.cleaned_data.get("trust"),
                    by=admin_user(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Imported {len(created)} role profile(s).")
                for note in notes:
                    messages.warning(request, note)
                return redirect("admin:staff_roleprofile_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import role profiles",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "staff/admin/role_profile_import.html", context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        profile = self._profile(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Who changed what: {profile}",
            "opts": self.model._meta,
            "object": profile,
            "changes": profile_changes(profile),
            "versions": RoleProfile.objects.filter(lineage=profile.lineage).order_by("-version"),
        }
        return TemplateResponse(request, "staff/admin/role_profile_history.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        profile = self.get_object(request, unquote(object_id))
        extra: dict[str, Any] = dict(extra_context or {})
        if profile is not None:
            extra["profile"] = profile
            extra["may_edit"] = may_edit(request, profile)
            extra["newer"] = (
                RoleProfile.objects.current().filter(lineage=profile.lineage).first()
                if not profile.is_current
                else None
            )
        return super().change_view(request, object_id, form_url, extra)

    # Actions

    @admin.action(description="Export the selected profiles as JSON")
    def export_json(self, request: HttpRequest, queryset: RoleProfileQuerySet) -> HttpResponse:
        profiles = list(queryset.with_contents())
        return self._json_response(profiles, f"role-profiles-{timezone.localdate():%Y-%m-%d}")

    @admin.action(description="Duplicate the selected profiles as new versions")
    def duplicate_as_new_version(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        made = 0
        for profile in queryset:
            if not may_edit(request, profile):
                messages.warning(request, f"{profile}: you cannot change this one.")
                continue
            try:
                services.role_profile_new_version(profile=profile, by=admin_user(request))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                made += 1
        if made:
            messages.success(request, f"Made {made} new version(s); the earlier ones are kept.")
