"""Role-profile pages in the app and the admin: chart, profile, PDF, versions, import/export."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from staff import services
from staff.admin.profile_forms import RoleProfileForm
from staff.models import Accountability, Membership, Role, RoleProfile
from tests.factories import member

pytestmark = pytest.mark.django_db


def _chart(world) -> dict[str, RoleProfile]:
    head = RoleProfile.objects.create(school=world.school, title="Headteacher")
    sendco = RoleProfile.objects.create(school=world.school, title="SENDCo", reports_to=head)
    lsa = RoleProfile.objects.create(school=world.school, title="LSA level 2", reports_to=sendco)
    Accountability.objects.create(
        profile=lsa,
        heading="Support for pupils",
        standard_duties="Deliver programmes\nKeep records",
        local_duties="Run the nurture group at lunchtime",
    )
    RoleProfile.objects.create(trust=world.school.trust, title="Unused trust standard")
    Membership.objects.filter(user=world.users["sendco"]).update(role_profile=sendco)
    Membership.objects.filter(user=world.users["lsa_caseload"]).update(role_profile=lsa)
    return {"head": head, "sendco": sendco, "lsa": lsa}


def test_org_chart_nests_roles_by_reports_to(world, django_assert_max_num_queries) -> None:
    _chart(world)
    for _ in range(10):
        member(world.school, Role.LSA)
    client = world.client("lsa_caseload")
    with django_assert_max_num_queries(11):  # +1: the layout's notification count
        response = client.get(reverse("staff:org_chart"))
    steps = [
        (kind, node.profile.title if node else None) for kind, node, _ in response.context["steps"]
    ]
    assert steps == [
        ("item", "Headteacher"),
        ("open", None),
        ("item", "SENDCo"),
        ("open", None),
        ("item", "LSA level 2"),
        ("end", None),
        ("close", None),
        ("end", None),
        ("close", None),
        ("end", None),
    ]
    html = response.content.decode()
    assert "Vacant" in html  # nobody holds the head's profile in this test
    assert "Unused trust standard" not in html
    # An LSA may open their own profile from the chart, not the others.
    own = reverse(
        "staff:profile",
        args=[Membership.objects.get(user=world.users["lsa_caseload"]).role_profile_id],
    )
    assert own in html and html.count("/staff/profiles/") == 1


def test_profile_page_and_pdf_show_both_columns(world) -> None:
    profiles = _chart(world)
    client = world.client("lsa_caseload")
    response = client.get(reverse("staff:profile", args=[profiles["lsa"].pk]))
    assert response.status_code == 200
    assert response.context["two_columns"]
    assert b"Role profile (cannot be changed)" in response.content
    response = client.get(reverse("staff:profile_pdf", args=[profiles["lsa"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="lsa-level-2-v1.pdf"' in response["Content-Disposition"]
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    assert "Run the nurture group at lunchtime" in text
    assert "Local duties reflecting the role profile" in text
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_earlier_versions_of_my_profile_stay_readable(world) -> None:
    profiles = _chart(world)
    new = services.role_profile_new_version(profile=profiles["lsa"], by=world.users["hr_admin"])
    client = world.client("lsa_caseload")
    old_page = client.get(reverse("staff:profile", args=[profiles["lsa"].pk]))
    assert old_page.status_code == 200 and b"This version was replaced" in old_page.content
    assert client.get(reverse("staff:profile", args=[new.pk])).status_code == 200
    # Someone else's profile stays closed to an LSA.
    assert client.get(reverse("staff:profile", args=[profiles["sendco"].pk])).status_code == 403


def test_profile_list_queries_do_not_grow(world, django_assert_max_num_queries) -> None:
    _chart(world)
    for n in range(10):
        RoleProfile.objects.create(school=world.school, title=f"Role {n}")
    client = world.client("sendco")
    with django_assert_max_num_queries(11):
        assert client.get(reverse("staff:profiles")).status_code == 200


# --- The admin ------------------------------------------------------------------------------


def test_hr_admin_sees_only_their_schools_profiles_and_the_trusts(world) -> None:
    mine = RoleProfile.objects.create(school=world.school, title="Ours")
    theirs = RoleProfile.objects.create(school=world.other_school, title="Theirs")
    standard = RoleProfile.objects.create(trust=world.school.trust, title="Trust standard")
    client = world.client("hr_admin")
    listing = client.get(reverse("admin:staff_roleprofile_changelist"))
    assert listing.status_code == 200
    shown = set(listing.context["cl"].queryset)
    assert shown == {mine, standard}
    assert (
        client.get(reverse("admin:staff_roleprofile_change", args=[theirs.pk])).status_code == 302
    )
    assert client.get(reverse("admin:staff_roleprofile_pdf", args=[theirs.pk])).status_code == 404
    # The trust's standard binds the other school too: readable, adoptable, not editable here.
    page = client.get(reverse("admin:staff_roleprofile_change", args=[standard.pk]))
    assert b'name="_save"' not in page.content and b"Adopt for a school" in page.content


def test_duplicate_as_new_version_keeps_the_previous_one_read_only(world) -> None:
    profiles = _chart(world)
    client = world.client("hr_admin")
    lsa = profiles["lsa"]
    response = client.post(reverse("admin:staff_roleprofile_new_version", args=[lsa.pk]))
    new = RoleProfile.objects.current().get(lineage=lsa.lineage)
    assert response.status_code == 302 and response["Location"].endswith(f"/{new.pk}/change/")
    old_page = client.get(reverse("admin:staff_roleprofile_change", args=[lsa.pk]))
    assert b"kept read-only" in old_page.content and b'name="_save"' not in old_page.content
    assert b"Run the nurture group at lunchtime" in old_page.content
    assert (
        client.post(reverse("admin:staff_roleprofile_change", args=[lsa.pk]), {}).status_code == 403
    )
    # Asking again for the old one sends people to the latest.
    again = client.post(reverse("admin:staff_roleprofile_new_version", args=[lsa.pk]))
    assert again["Location"].endswith(f"/{new.pk}/change/")
    assert RoleProfile.objects.filter(lineage=lsa.lineage).count() == 2
    history = client.get(reverse("admin:staff_roleprofile_history", args=[new.pk]))
    assert history.status_code == 200
    assert world.users["hr_admin"].full_name.encode() in history.content


def test_saving_over_a_newer_save_is_refused(world) -> None:
    profile = RoleProfile.objects.create(school=world.school, title="LSA")
    form = RoleProfileForm(instance=profile)
    seen = form.initial["seen_updated_at"]
    profile.title = "LSA (changed by someone else)"
    profile.save()
    data = {"title": "My change", "school": world.school.pk, "seen_updated_at": seen}
    form = RoleProfileForm(data, instance=RoleProfile.objects.get(pk=profile.pk))
    assert not form.is_valid()
    assert "after you opened it" in form.non_field_errors()[0]


def test_admin_preview_pdf_export_and_import(world) -> None:
    profiles = _chart(world)
    client = world.client("hr_admin")
    preview = client.get(reverse("admin:staff_roleprofile_preview", args=[profiles["lsa"].pk]))
    assert preview.status_code == 200 and b"Download PDF" in preview.content
    pdf = client.get(reverse("admin:staff_roleprofile_pdf", args=[profiles["lsa"].pk]))
    assert pdf.content.startswith(b"%PDF")
    exported = client.post(
        reverse("admin:staff_roleprofile_changelist"),
        {"action": "export_json", "_selected_action": [profiles["lsa"].pk, profiles["sendco"].pk]},
    )
    payload = json.loads(exported.content)
    assert [p["title"] for p in payload["profiles"]] == ["LSA level 2", "SENDCo"]
    upload = SimpleUploadedFile("profiles.json", exported.content, "application/json")
    response = client.post(
        reverse("admin:staff_roleprofile_import"), {"file": upload, "school": world.school.pk}
    )
    assert response.status_code == 302
    copies = RoleProfile.objects.filter(school=world.school, title="LSA level 2")
    assert copies.count() == 2
    # The imported LSA reports to the imported SENDCo, named in the file.
    newest = copies.order_by("-pk").first()
    assert newest.reports_to.title == "SENDCo" and newest.reports_to != profiles["sendco"]
    # An HR admin cannot import into a school that is not theirs.
    upload = SimpleUploadedFile("profiles.json", exported.content, "application/json")
    refused = client.post(
        reverse("admin:staff_roleprofile_import"), {"file": upload, "school": world.other_school.pk}
    )
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
