"""The DSL role is granted only by someone allowed to, and the DSLs hear of it.

An HR admin tries to give themself the DSL role in /admin/ and is refused with a message; the
head makes a teacher a deputy DSL in the app; the DSL finds the notice behind the bell.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from staff.models import AuditEvent, MembershipRole, Role
from tests.e2e.conftest import enter_code, open_menu, shot
from tests.factories import TEST_PASSWORD, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DSL_LABEL = "Designated safeguarding lead (or deputy)"


def _sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, email)  # a fresh code; waits until signed in


@pytest.mark.parametrize("width", [1280, 375])
def test_hr_cannot_self_grant_and_the_head_grants_a_deputy_dsl(
    new_context: Callable[..., BrowserContext], live_server, width: int
) -> None:
    school = SchoolFactory(name="Brookfield Test Primary")
    hr = member(school, Role.HR_ADMIN, full_name="Hana Recordkeeper")
    head = member(school, Role.HEAD, full_name="Harriet Headteacher")
    dsl = member(school, Role.DSL, full_name="Dora Safeguarding")
    teacher = member(school, Role.TEACHER, full_name="Tomas Deputyto")
    size = {"width": width, "height": 900}

    # The HR admin, in the Django admin, ticks the DSL role on their own membership.
    hr_page = new_context(viewport=size).new_page()
    _sign_in(hr_page, f"{live_server.url}/admin/staff/membership/", hr.email)
    hr_page.get_by_role("link", name="Hana Recordkeeper", exact=True).click()
    hr_page.get_by_label(DSL_LABEL).check()
    hr_page.get_by_role("button", name="Save", exact=True).click()
    expect(hr_page.get_by_text("Nobody can give themselves the DSL role")).to_be_visible()
    shot(hr_page, "role-grant-admin-refused")
    assert not MembershipRole.objects.filter(membership__user=hr, role=Role.DSL).exists()
    hr_page.context.close()

    # The head makes the teacher a deputy DSL from the staff page.
    head_page = new_context(viewport=size).new_page()
    _sign_in(head_page, f"{live_server.url}/staff/", head.email)
    head_page.get_by_role("link", name="Change roles for Tomas Deputyto").click()
    expect(head_page.get_by_role("heading", name="Roles for Tomas Deputyto")).to_be_visible()
    shot(head_page, "role-grant-app-form")
    head_page.get_by_label(DSL_LABEL).check()
    head_page.get_by_role("button", name="Save roles").click()
    expect(head_page.get_by_text("Roles saved for Tomas Deputyto.")).to_be_visible()
    shot(head_page, "role-grant-app-saved")
    head_page.context.close()
    assert MembershipRole.objects.filter(membership__user=teacher, role=Role.DSL).exists()
    assert AuditEvent.objects.filter(action="staff.membership.roles_changed", actor=head).exists()

    # The DSL sees the notice behind the bell in their menu.
    dsl_page = new_context(viewport=size).new_page()
    _sign_in(dsl_page, f"{live_server.url}/", dsl.email)
    open_menu(dsl_page, "Dora Safeguarding")
    dsl_page.get_by_role("link", name="Reminders 1 unread").click()
    expect(
        dsl_page.get_by_text("Harriet Headteacher gave Tomas Deputyto the DSL role.")
    ).to_be_visible()
    shot(dsl_page, "role-grant-dsl-notice")
    dsl_page.context.close()
