"""Time the SENDCo's pages and the termly report on a seeded trust (the 12-school demo).

    uv run --frozen python manage.py seed_demo --schools 12      # once, into DATABASE_URL
    uv run --frozen python -m benchmarks.sendco_pages [--runs N] [--school URN]

Signs in (in process, with Django's test client) as the SENDCo of the largest school (or the
one given) and fetches each page ``--runs`` times after one warm-up, printing the median and
the slowest time and the queries per page; then builds the termly report's figures and PDF for
the current term, both versions. Pages only read; the PDF is drawn in memory, nothing is kept.
Targets: dashboard and provision map under 300 ms median; the termly PDF under 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.queries import QueryCounter  # noqa: E402
from interventions.insight.termly import render_termly_pdf, termly_figures  # noqa: E402
from pupils.models import Pupil  # noqa: E402
from staff import terms  # noqa: E402
from staff.models import Membership, Role, School, TrustRole  # noqa: E402


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["send_hub_mfa_ok"] = True  # as after the authenticator step
    session.save()
    return client


def timed(client: Client, name: str, url: str, runs: int) -> None:
    response = client.get(url)  # warm-up (and a check that the page answers)
    if response.status_code != 200:
        print(f"{name:<30} HTTP {response.status_code} at {url}")
        return
    times = []
    counter = QueryCounter()
    for _ in range(runs):
        counter.count = 0
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
    print(
        f"{name:<30} median {statistics.median(times) * 1000:6.0f} ms"
        f"   slowest {max(times) * 1000:6.0f} ms   {counter.count} queries"
    )


def pages(school: School, pupil_id: int) -> list[tuple[str, str]]:
    return [
        ("dashboard", reverse("interventions:sendco")),
        ("flag: no session for 14 days", reverse("interventions:sendco_flag", args=["no-session"])),
        ("provision map", reverse("interventions:sendco_provision")),
        ("provision map CSV", reverse("interventions:sendco_provision_csv")),
        ("pupil's provision", reverse("interventions:sendco_pupil_provision", args=[pupil_id])),
        ("what works", reverse("interventions:what_works")),
        ("reviews calendar", reverse("interventions:calendar")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--school", help="URN of the school (default: the one with most pupils)")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    schools = School.objects.annotate(n=Count("pupils")).order_by("-n")
    school = schools.get(urn=args.school) if args.school else schools.first()
    sendco = Membership.objects.active().with_role(Role.SENDCO).filter(school=school).first().user
    on_roll = Pupil.objects.filter(school=school).count()
    print(
        f"{connection.vendor}: {School.objects.count()} schools, {Pupil.objects.count()} pupils;"
        f" {school.name} ({on_roll} pupils) as its SENDCo"
    )
    client = signed_in(sendco)
    pupil_id = (
        Pupil.objects.filter(school=school, enrolments__isnull=False).values_list("pk", flat=True)
    ).first()
    for name, url in pages(school, pupil_id):
        timed(client, name, url, args.runs)
    lead = TrustRole.objects.filter(active=True).select_related("user").first()
    if lead is not None:
        timed(
            signed_in(lead.user),
            "trust view (trust lead)",
            reverse("interventions:trust"),
            args.runs,
        )
    term = terms.current_term(school.pk, timezone.localdate())
    for version in ("LEADERS", "GOVERNORS"):
        started = time.perf_counter()
        figures = termly_figures(school, term, version)
        counted = time.perf_counter() - started
        pdf = render_termly_pdf(figures, built_at=timezone.now())
        took = time.perf_counter() - started
        print(
            f"termly report ({version.lower()}, {term.name}): figures {counted:.2f} s,"
            f" figures + PDF {took:.2f} s, {len(pdf) // 1024} KB"
        )


if __name__ == "__main__":
    main()
