"""One-time form keys: a form sent twice saves once, whichever form and however it is sent."""

from __future__ import annotations

import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.template import loader
from django.urls import reverse

from interventions.delivery import services
from interventions.models import EnrolmentTarget
from send_hub.lib.form_keys import REFUSED, SENT_TWICE
from staff.models import AuditEvent, FormSubmission
from tests.interventions.factories import EnrolmentFactory, InterventionFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Waiting for state, with a ceiling so a broken build fails instead of hanging.
CEILING = 30


def _enrolment(world: Any) -> Any:
    intervention = InterventionFactory(school=world.school, name="Friendship group")
    return EnrolmentFactory(intervention=intervention, pupil=world.pupil)


def _url(enrolment: Any) -> str:
    return reverse("interventions:targets", args=[enrolment.intervention_id, enrolment.pk])


def _saved(enrolment: Any) -> list[str]:
    return list(EnrolmentTarget.objects.filter(enrolment=enrolment).values_list("text", flat=True))


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Two identical posts at the same moment -----------------------------------------------------


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_two_identical_concurrent_posts_save_the_targets_once(world, monkeypatch) -> None:
    enrolment = _enrolment(world)
    url = _url(enrolment)
    data = {"form_key": str(uuid.uuid4()), "target_1": "Says hello to one friend each day"}
    inside, release = threading.Event(), threading.Event()
    calls: list[int] = []
    real_save = services.targets_save

    def held_save(**kwargs: Any) -> Any:
        # The first request stops inside its transaction until its twin is queued behind it.
        calls.append(1)
        inside.set()
        assert release.wait(CEILING), "the twin request never queued"
        return real_save(**kwargs)

    monkeypatch.setattr(services, "targets_save", held_save)
    responses: dict[str, Any] = {}

    def send(name: str) -> None:
        try:
            responses[name] = world.client("sendco").post(url, data)
        finally:
            connection.close()

    first = threading.Thread(target=send, args=["first"])
    first.start()
    assert inside.wait(CEILING)
    twin = threading.Thread(target=send, args=["twin"])
    twin.start()
    deadline = time.monotonic() + CEILING
    while not _waiting_on_a_lock():  # the twin waits on the form key's unique index
        assert time.monotonic() < deadline, "the twin did not wait for the first request"
        time.sleep(0.02)
    release.set()
    first.join(CEILING)
    twin.join(CEILING)

    detail = reverse("interventions:detail", args=[enrolment.intervention_id])
    assert responses["first"].status_code == responses["twin"].status_code == 302
    assert responses["first"]["Location"] == responses["twin"]["Location"] == detail
    assert len(calls) == 1
    assert _saved(enrolment) == ["Says hello to one friend each day"]
    assert AuditEvent.objects.filter(action="interventions.targets.saved").count() == 1


# --- The rules of a key -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_resent_form_redirects_like_the_first_and_says_it_saved_once(world) -> None:
    enrolment = _enrolment(world)
    client = world.client("sendco")
    data = {"form_key": str(uuid.uuid4()), "target_1": "Asks for help"}
    first = client.post(_url(enrolment), data)
    again = client.post(_url(enrolment), data, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert SENT_TWICE in _messages(again)
    assert AuditEvent.objects.filter(action="interventions.targets.saved").count() == 1


@pytest.mark.django_db
def test_a_key_sent_again_with_other_answers_is_refused_with_a_message(world) -> None:
    enrolment = _enrolment(world)
    client = world.client("sendco")
    key = str(uuid.uuid4())
    client.post(_url(enrolment), {"form_key": key, "target_1": "Asks for help"})
    refused = client.post(
        _url(enrolment),
        {"form_key": key, "target_1": "Something else"},
        HTTP_REFERER=f"http://testserver{_url(enrolment)}",
        follow=True,
    )
    assert refused.redirect_chain[0][0].endswith(_url(enrolment))
    assert REFUSED in _messages(refused)
    assert _saved(enrolment) == ["Asks for help"]


@pytest.mark.django_db
def test_a_key_is_one_persons(world) -> None:
    enrolment = _enrolment(world)
    data = {"form_key": str(uuid.uuid4()), "target_1": "Asks for help"}
    world.client("sendco").post(_url(enrolment), data)
    refused = world.client("elsa").post(_url(enrolment), {**data, "target_1": "x"}, follow=True)
    assert REFUSED in _messages(refused)
    assert _saved(enrolment) == ["Asks for help"]


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_can_be_corrected_and_sent_with_its_key(world) -> None:
    enrolment = _enrolment(world)
    client = world.client("sendco")
    key = str(uuid.uuid4())
    shown_again = client.post(_url(enrolment), {"form_key": key, "target_1": "x" * 301})
    assert shown_again.status_code == 200 and not FormSubmission.objects.exists()
    saved = client.post(_url(enrolment), {"form_key": key, "target_1": "Asks for help"})
    assert saved.status_code == 302 and _saved(enrolment) == ["Asks for help"]


@pytest.mark.django_db
def test_a_server_error_keeps_nothing_and_frees_the_key(world, monkeypatch) -> None:
    enrolment = _enrolment(world)
    client = world.client("sendco")
    client.raise_request_exception = False
    real_save = services.targets_save

    def save_then_fail(**kwargs: Any) -> Any:
        real_save(**kwargs)
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(services, "targets_save", save_then_fail)
    data = {"form_key": str(uuid.uuid4()), "target_1": "Asks for help"}
    assert client.post(_url(enrolment), data).status_code == 500
    assert _saved(enrolment) == [] and not FormSubmission.objects.exists()
    monkeypatch.setattr(services, "targets_save", real_save)
    assert client.post(_url(enrolment), data).status_code == 302
    assert _saved(enrolment) == ["Asks for help"]


@pytest.mark.django_db
def test_posts_without_a_key_or_with_a_mangled_one_run_as_before(world) -> None:
    enrolment = _enrolment(world)
    client = world.client("sendco")
    assert client.post(_url(enrolment), {"target_1": "One"}).status_code == 302
    assert client.post(_url(enrolment), {"target_1": "Two", "form_key": "nope"}).status_code == 302
    assert _saved(enrolment) == ["Two"] and not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_the_targets_page_renders_a_fresh_key(world) -> None:
    enrolment = _enrolment(world)
    client = world.client("sendco")
    keys = [
        re.search(r'name="form_key" value="([^"]+)"', client.get(_url(enrolment)).content.decode())
        for _ in range(2)
    ]
    assert all(keys) and keys[0].group(1) != keys[1].group(1)


# --- Every POST form is covered -----------------------------------------------------------------


def test_the_middleware_sees_every_signed_in_post() -> None:
    middleware = settings.MIDDLEWARE
    mine = middleware.index("send_hub.lib.form_keys.FormKeyMiddleware")
    # After sign-in and messages (it needs the person and can leave a note), wrapping the view.
    assert mine > middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert mine > middleware.index("django.contrib.messages.middleware.MessageMiddleware")
    assert mine == len(middleware) - 1


def _extends_base(name: str) -> bool:
    seen: set[str] = set()
    while name not in seen:
        if name == "base.html":
            return True
        seen.add(name)
        parent = re.search(r'{%\s*extends\s+"([^"]+)"', loader.get_template(name).template.source)
        if parent is None:
            return False
        name = parent.group(1)
    return False


# Django's admin pages (superusers only) do not load the app's script.
NOT_APP_PAGES = ("staff/admin/", "admin/")
POST_FORMS = sorted(
    str(path.relative_to(TEMPLATES))
    for path in TEMPLATES.rglob("*.html")
    if re.search(r'method="post"|hx-post', path.read_text(), re.I)
    and path.name != "base.html"
    and not str(path.relative_to(TEMPLATES)).startswith(NOT_APP_PAGES)
)


def _includers(name: str) -> list[str]:
    """Return the templates that include the fragment ``name``."""
    include = re.compile(r'{%\s*include\s+"' + re.escape(name) + '"')
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if include.search(path.read_text())
    )


def _served_with_script(name: str) -> bool:
    """A page extends base.html; a fragment (``_name.html``) is included only by such pages."""
    if Path(name).name.startswith("_"):
        pages = _includers(name)
        return bool(pages) and all(_served_with_script(page) for page in pages)
    return _extends_base(name)


@pytest.mark.parametrize("name", POST_FORMS)
def test_every_page_with_a_post_form_loads_the_script_that_keys_it(name: str) -> None:
    assert _served_with_script(name), f"{name} is not served within base.html: its forms get no key"


def test_the_base_page_loads_the_script_and_the_script_keys_post_forms() -> None:
    base = (TEMPLATES / "base.html").read_text()
    script = (Path(settings.BASE_DIR) / "static" / "js" / "app.js").read_text()
    assert "js/app.js" in base
    assert 'addEventListener(\n  "submit"' in script and 'input.name = "form_key"' in script
