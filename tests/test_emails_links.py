"""Every e-mail names the configured site and links to the configured address, never the Host
header of whatever request caused it, and every link opens the page it promises."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interventions.models import Notification
from interventions.reminders import services as reminders
from safeguarding import services as safeguarding_services
from safeguarding.models import Alert
from staff import services as staff_services
from staff.models import Invitation, Role
from tests.factories import TEST_PASSWORD
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db

SITE = "https://send-hub.school.example"
NAME = "Brookfield SEND Hub"
# The address a request arrives on: allowed, but not the one staff are told to use.
OTHER_HOST = "127.0.0.1"


@pytest.fixture(autouse=True)
def configured_site(settings) -> None:
    settings.BASE_URL = SITE
    settings.SEND_HUB_SITE_NAME = NAME
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{NAME}] "


def only_message() -> mail.EmailMessage:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


def links_in(message: mail.EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def assert_links_on_site(message: mail.EmailMessage) -> list[str]:
    links = links_in(message)
    assert links, message.body
    for link in links:
        assert link.startswith(f"{SITE}/"), link
    assert OTHER_HOST not in message.body and "testserver" not in message.body
    assert message.subject.startswith(f"[{NAME}] "), message.subject
    return links


def path_of(link: str) -> str:
    return link.removeprefix(SITE)


def test_invitation_names_the_site_and_its_link_opens_the_invitation(world) -> None:
    invitation = staff_services.invitation_create(
        school=world.school,
        email="invited.link@school.example",
        full_name="Invited Link",
        job_title="",
        roles=[Role.LSA],
        by=world.users["hr_admin"],
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
    mail.outbox.clear()
    assert staff_services.invitation_send(invitation_id=invitation.pk) is True
    message = only_message()
    (link,) = assert_links_on_site(message)
    assert message.subject == f"[{NAME}] You are invited to {NAME}"
    assert f"invited you to {NAME} at {world.school.name}" in message.body
    response = world.client("anonymous").get(path_of(link), HTTP_HOST=OTHER_HOST)
    assert response.status_code == 200


def test_safeguarding_alert_names_the_site_and_links_to_today(world) -> None:
    concern = make_concern(world)
    alert = Alert.objects.filter(concern=concern, recipient=world.users["dsl"]).get()
    mail.outbox.clear()
    assert safeguarding_services.alert_email(alert_id=alert.pk) is True
    message = only_message()
    (link,) = assert_links_on_site(message)
    assert path_of(link) == reverse("core:today")
    assert NAME in message.body


def test_reminders_digest_names_the_site_and_links_to_notifications(world) -> None:
    lsa = world.users["lsa_caseload"]
    Notification.objects.create(
        school=world.school,
        recipient=lsa,
        kind="plan_review_due",
        text="A plan review is due",
        due_on=timezone.localdate(),
    )
    mail.outbox.clear()
    reminders.reminders_digest(today=timezone.localdate())
    (message,) = [m for m in mail.outbox if m.to == [lsa.email]]
    (link,) = assert_links_on_site(message)
    assert path_of(link) == reverse("interventions:notifications")
    assert f"waiting in {NAME}" in message.body
    response = world.client("lsa_caseload").get(path_of(link))
    assert response.status_code == 200


def test_password_reset_links_to_the_site_not_the_request_host(world) -> None:
    sendco = world.users["sendco"]
    client = world.client("anonymous")
    response = client.post(
        reverse("account_reset_password"), {"email": sendco.email}, HTTP_HOST=OTHER_HOST
    )
    assert response.status_code == 302
    message = only_message()
    (link,) = assert_links_on_site(message)
    assert f"Hello from {NAME}" in message.body
    assert path_of(link).startswith("/accounts/password/reset/key/")
    # The link works: it leads to the form that sets a new password.
    response = client.get(path_of(link), HTTP_HOST=OTHER_HOST, follow=True)
    assert response.status_code == 200
    assert b'name="password1"' in response.content
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else path_of(link),
        {"password1": TEST_PASSWORD + "-new", "password2": TEST_PASSWORD + "-new"},
        HTTP_HOST=OTHER_HOST,
    )
    assert response.status_code == 302
    sendco.refresh_from_db()
    assert sendco.check_password(TEST_PASSWORD + "-new")


def test_reset_for_an_unknown_address_links_to_the_site(world) -> None:
    world.client("anonymous").post(
        reverse("account_reset_password"),
        {"email": "nobody.here@school.example"},
        HTTP_HOST=OTHER_HOST,
    )
    message = only_message()
    assert_links_on_site(message)
    assert f"Hello from {NAME}" in message.body
