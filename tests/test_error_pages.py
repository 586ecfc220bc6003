"""Error pages in the app's own look, saying nothing about what went wrong inside; the health
check says plainly when the database is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from send_hub.urls import urlpatterns as project_urlpatterns

ROOT = Path(__file__).resolve().parent.parent
SECRET_DETAIL = "CANARY-DETAIL-in-the-exception"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


# The project's URLs plus one view that fails, for the 500 page (@pytest.mark.urls below).
urlpatterns = [path("boom/", boom), *project_urlpatterns]


def assert_plain(body: str) -> None:
    assert SECRET_DETAIL not in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_404_is_branded_with_navigation_for_a_signed_in_person(world) -> None:
    response = world.client("sendco").get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We cannot find that page" in body
    assert f'href="{reverse("core:today")}"' in body and "Go to Today" in body
    assert f'href="{reverse("pupils:register")}"' in body  # the usual navigation
    assert "Raise a safeguarding concern" in body
    assert_plain(body)


@pytest.mark.django_db
def test_404_for_another_schools_record_says_the_same_as_a_missing_page(world) -> None:
    url = reverse("pupils:detail", args=[world.other_pupil.pk])
    response = world.client("sendco").get(url)
    assert response.status_code == 404
    body = response.content.decode()
    assert "We cannot find that page" in body
    assert world.other_pupil.legal_surname not in body


@pytest.mark.django_db
def test_403_is_branded_and_says_what_to_do(world) -> None:
    response = world.client("teacher").get(reverse("staff:invite"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You do not have access to this page" in body
    assert "ask your SENDCo or headteacher" in body
    assert "Go to Today" in body
    assert f'href="{reverse("core:today")}"' in body
    assert_plain(body)


def test_500_renders_without_a_request_or_the_database() -> None:
    # No django_db mark: any query while rendering would raise here.
    body = render_to_string("500.html")
    assert "Something went wrong on our side" in body
    assert 'href="/today/"' in body
    assert 'href="/static/css/app.css"' in body
    assert "{%" not in body and "{{" not in body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_500_page_hides_the_error(world) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["sendco"])
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert_plain(body)


@pytest.mark.django_db
def test_healthz_answers_ok_with_the_database_up() -> None:
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_it_fails(monkeypatch) -> None:
    from send_hub import views

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused: password authentication failed for sendhub")

    monkeypatch.setattr(views.connection, "cursor", refuse)
    response = Client().get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down"}
    assert b"password" not in response.content


def test_healthz_answers_503_when_no_database_listens() -> None:
    """The whole stack (every middleware) with a database that is not there at all."""
    script = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEND_HUB_"))}
    env.update(
        DJANGO_DEBUG="true",
        DJANGO_SETTINGS_MODULE="send_hub.settings",
        # Port 9 (discard) on loopback: nothing answers, so the connection is refused at once.
        DATABASE_URL="postgres://sendhub@127.0.0.1:9/sendhub",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, _, content = result.stdout.strip().partition(" ")
    assert status == "503", result.stdout
    assert json.loads(content) == {"status": "down", "database": "down"}
