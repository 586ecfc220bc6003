"""A teacher raises an urgent concern on a phone; the DSL triages, acts, refers and closes it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from pupils.models import Pupil
from safeguarding.categories import ensure_default_categories
from safeguarding.models import Category, Concern, Decision, FileAccess, Status
from staff.models import Role
from tests.e2e.conftest import DESKTOP, PHONE, shots, sign_in_with_code, sign_out
from tests.factories import (
    PupilFactory,
    SchoolFactory,
    member,
    on_register,
)
from tests.safeguarding.helpers import make_concern

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_teacher_raises_an_urgent_concern_and_the_dsl_handles_it(
    page: Page, live_server, console_errors: list[str]
) -> None:
    ensure_default_categories(Category)  # a flush by an earlier browser test empties it
    school = SchoolFactory(name="Brookfield Test Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell", job_title="Class teacher")
    colleague = member(school, Role.TEACHER, full_name="Colin Otherteacher")
    dsl = member(school, Role.DSL, full_name="Dana Safeguard", job_title="DSL")
    wren = PupilFactory(school=school, legal_forename="Wren", legal_surname="Example", nc_year=5)
    on_register(wren, "K", "SEMH")
    someone_elses = make_concern(
        None, pupil=wren, reporter=colleague, text="A concern raised by a colleague"
    )
    base = live_server.url

    # The teacher, on a phone.
    page.set_viewport_size(PHONE)
    sign_in_with_code(page, base, teacher.email)
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    expect(page.get_by_role("heading", name="Raise a safeguarding concern")).to_be_visible()
    expect(page.get_by_text("call 999 now")).to_be_visible()
    expect(page.get_by_text("Dana Safeguard")).to_be_visible()
    shots(page, "safeguarding-raise-empty")
    page.wait_for_load_state("load")  # htmx and the form's scripts are ready
    # The box searches as it is typed into: let that answer arrive before going on, or it can
    # come back after Wren is added and list Wren again (a slow machine, a slow connection).
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/")):
        page.get_by_label("Find a pupil by name").fill("wren")
    # htmx asks the dedicated search endpoint, with the name in the body and never in the URL.
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/")) as answer:
        page.get_by_role("button", name="Search").click()
    asked = answer.value.request
    assert "wren" not in asked.url and "q=wren" in (asked.post_data or "")
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/pick/")):
        page.get_by_role("button", name="Add Wren Example").click()
    expect(page.get_by_label("How is Wren involved?")).to_have_value("CONCERN_FOR")
    expect(page.get_by_role("button", name="Add Wren Example")).to_have_count(0)
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Where did it happen?").fill("Year 5 classroom")
    page.get_by_label("What happened?").fill("Saw a red mark on the back of Wren's neck at lunch.")
    page.get_by_label("The child's words, exactly as they said them").fill("My brother grabbed me.")
    page.get_by_label("What did you do?").fill("Listened and said I would tell the DSL.")
    page.get_by_label("Who have you told?").fill("Nobody yet.")
    front = page.locator('[data-body-map] svg[data-side="front"]')
    expect(front).to_be_visible()
    box = front.bounding_box()
    assert box is not None
    front.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.12})
    page.get_by_label(re.compile(r"^Mark 1: front")).fill("Red mark, 3 cm, side of neck")
    page.get_by_label("Urgent: a child may be at risk of harm today").check()
    shots(page, "safeguarding-raise-filled")
    page.get_by_role("button", name="Send to the DSL team").click()

    expect(page.get_by_text("This is what you sent")).to_be_visible()
    expect(page.get_by_text("My brother grabbed me.")).to_be_visible()
    concern = Concern.objects.exclude(pk=someone_elses.pk).get()
    assert concern.urgent and concern.reporter == teacher
    assert concern.reporter_job_title == "Class teacher"
    assert len(concern.body_map) == 1
    assert concern.body_map[0]["side"] == "front"
    assert concern.body_map[0]["note"] == "Red mark, 3 cm, side of neck"
    shots(page, "safeguarding-confirmation")

    # The teacher's list holds their own concern only; the DSL's list is not theirs to open.
    page.goto(f"{base}/safeguarding/mine/")
    expect(page.get_by_text(concern.reference)).to_be_visible()
    expect(page.get_by_text(someone_elses.reference)).to_have_count(0)
    shots(page, "safeguarding-mine")
    # (Asked with the page's cookies but without opening an error page in the browser.)
    assert page.request.get(f"{base}/safeguarding/").status == 403
    assert page.request.get(f"{base}/safeguarding/concerns/{someone_elses.pk}/").status == 404
    sign_out(page, "Tamsin Testwell")

    # The DSL, at a desk.
    page.set_viewport_size(DESKTOP)
    sign_in_with_code(page, base, dsl.email)
    panel = page.get_by_role("region", name="Safeguarding: your queue")
    expect(panel.get_by_text("A new concern needs your attention").first).to_be_visible()
    expect(panel.get_by_text("Urgent").first).to_be_visible()
    shots(page, "safeguarding-today-dsl")
    panel.get_by_role("link", name="Open concern").first.click()
    expect(page.get_by_role("heading", name=f"Concern {concern.reference}")).to_be_visible()
    expect(page.get_by_text("My brother grabbed me.")).to_be_visible()

    decision = page.locator("form", has=page.get_by_role("heading", name="Record a decision"))
    decision.get_by_label("Status from now on").select_option("IN_PROGRESS")
    decision.get_by_label("Risk level").select_option("HIGH")
    decision.get_by_label("Rationale").fill("Injury with a disclosure about a sibling.")
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()

    action = page.locator("form", has=page.get_by_role("heading", name="Add an action"))
    action.get_by_label("Action").fill("Speak to Wren with the class teacher tomorrow.")
    action.get_by_label("Owner").select_option(label="Dana Safeguard")
    action.get_by_label("Deadline").fill((timezone.localdate() + dt.timedelta(days=2)).isoformat())
    action.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()

    referral = page.locator("form", has=page.get_by_role("heading", name="Record a referral"))
    referral.get_by_label("Pupil referred").select_option(label="Wren Example")
    referral.get_by_role("combobox", name=re.compile(r"^\s*Agency\W*$")).select_option(
        "SOCIAL_CARE"
    )
    referral.get_by_label("Agency's reference").fill("MASH-2231")
    referral.get_by_label("Rationale").fill("Physical injury and disclosure: threshold met.")
    referral.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text("Referral recorded.")).to_be_visible()
    shots(page, "safeguarding-concern-dsl")

    decision = page.locator("form", has=page.get_by_role("heading", name="Record a decision"))
    decision.get_by_label("Status from now on").select_option("CLOSED")
    decision.get_by_label("Rationale").fill("Social care leading; school actions complete.")
    # Closing asks what happens to each open action (issue #13): this one was done.
    decision.get_by_label("Completed: give the outcome").check()
    decision.get_by_label("Outcome, or why it is carried over").fill(
        "Spoke to Wren with her teacher."
    )
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    latest = Decision.objects.filter(concern=concern).latest("decided_at", "pk")
    assert latest.status == Status.CLOSED
    assert latest.rationale == "Social care leading; school actions complete."
    expect(page.get_by_role("heading", name="Add an action")).to_have_count(0)

    # The chronology shows it, and the DSL can see who has looked at the file.
    page.get_by_role("link", name="Wren Example").click()
    expect(page.get_by_role("heading", name="Wren Example: chronology")).to_be_visible()
    expect(
        page.get_by_text(f"Concern {concern.reference} raised by Tamsin Testwell")
    ).to_be_visible()
    expect(page.get_by_text("Referred to Children's social care / MASH")).to_be_visible()
    expect(page.get_by_text("Decision on", exact=False).first).to_be_visible()
    page.locator("summary", has_text="Set the flag").click()
    page.get_by_label("Reason (seen by the DSL team only)").fill("Social care assessment open.")
    page.get_by_role("button", name="Set the flag").click()
    expect(page.get_by_text("Flag set: staff see it")).to_be_visible()
    shots(page, "safeguarding-chronology")
    page.get_by_role("link", name="Who has viewed this file").click()
    viewers = page.get_by_role("table")
    expect(viewers.get_by_role("cell", name="Dana Safeguard")).to_be_visible()
    expect(viewers.get_by_role("cell", name="Tamsin Testwell")).to_be_visible()
    assert FileAccess.objects.filter(user=dsl, pupil=wren).count() >= 2
    shots(page, "safeguarding-viewed-by")

    # The pages around it, for the record.
    page.goto(f"{base}/pupils/{wren.pk}/")
    expect(page.get_by_text("Speak to the DSL before contacting home.")).to_be_visible()
    shots(page, "safeguarding-pupil-flag")
    page.goto(f"{base}/safeguarding/?show=all")
    expect(page.get_by_role("heading", name="Safeguarding concerns")).to_be_visible()
    shots(page, "safeguarding-queue")
    Pupil.objects.filter(pk=wren.pk).update(leaving_date=timezone.localdate())
    page.goto(f"{base}/safeguarding/transfers/")
    page.get_by_role("textbox", name="New school*").fill("Riverside Test Academy")
    page.get_by_label("The new school's DSL").fill("Sam Receiver, 01632 960000")
    shots(page, "safeguarding-transfers")
    page.get_by_role("button", name="Start transfer").click()
    expect(
        page.get_by_role("heading", name="Wren Example → Riverside Test Academy")
    ).to_be_visible()
    shots(page, "safeguarding-transfer")
    page.goto(f"{base}/safeguarding/reports/")
    shots(page, "safeguarding-report")
    page.goto(f"{base}/safeguarding/reports/governors/")
    expect(page.get_by_text("Wren Example")).to_have_count(0)
    shots(page, "safeguarding-governors")

    assert console_errors == []


def test_a_late_search_answer_does_not_list_a_pupil_already_added(
    page: Page, live_server, console_errors: list[str]
) -> None:
    # On a slow connection the answer to the last thing typed can arrive after the pupil it
    # lists was added from an earlier answer: it must not offer that pupil again.
    ensure_default_categories(Category)
    school = SchoolFactory(name="Brookfield Test Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell")
    PupilFactory(school=school, legal_forename="Wren", legal_surname="Example", nc_year=5)
    page.set_viewport_size(PHONE)
    sign_in_with_code(page, live_server.url, teacher.email)
    page.goto(f"{live_server.url}/safeguarding/raise/")
    page.wait_for_load_state("load")
    box = page.get_by_label("Find a pupil by name")
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/")):
        box.fill("wre")
    expect(page.get_by_role("button", name="Add Wren Example")).to_be_visible()

    held: list[Route] = []
    page.route("**/safeguarding/raise/pupils/", lambda route: held.append(route))
    with page.expect_request(lambda r: r.url.endswith("/safeguarding/raise/pupils/")):
        box.fill("wren")  # its answer is held back, as a slow network would
    page.evaluate("1")  # a round trip: the held request's route has been handed over
    assert len(held) == 1
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/pick/")):
        page.get_by_role("button", name="Add Wren Example").click()
    expect(page.get_by_label("How is Wren involved?")).to_be_visible()
    page.evaluate(
        """() => document.body.addEventListener("htmx:afterRequest", (event) => {
            if (event.detail.target.id === "pupil-results") window.lateAnswerHandled = true;
        })"""
    )
    held[0].continue_()  # the late answer arrives now
    page.wait_for_function("() => window.lateAnswerHandled === true")
    expect(page.get_by_label("How is Wren involved?")).to_be_visible()
    expect(page.get_by_role("button", name="Add Wren Example")).to_have_count(0)
    assert not console_errors
