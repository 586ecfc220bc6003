"""Build the synthetic demo trust. Idempotent: running it again adds nothing that exists.

Each app's ``<app>.demo`` package may define ``seed_school`` (called once per school) and
``seed_today`` (called on every run, after all schools: what the day's scheduled jobs would have
made by the morning, such as the reminder sweep), so the demo shows today whenever it is started.
This command (with tests and benchmarks) is the only importer of demo code: production never
imports it, and the production image leaves both out (.dockerignore), since Faker is a
development dependency.
"""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from send_hub.lib.kept import all_changed
from staff import demo


class Command(BaseCommand):
    help = "Create a synthetic trust: schools, staff in every role and pupils (invented data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=2, help="How many schools (default 2).")
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo sign-ins."
        )

    def handle(self, *args: Any, schools: int, quiet_logins: bool, **options: Any) -> None:
        if not 1 <= schools <= 50:
            raise CommandError("--schools must be between 1 and 50.")
        # Each app's demo hooks, called with keywords (see the module docstring).
        seeders: list[Callable[..., None]] = []
        todays: list[Callable[..., None]] = []
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            if hasattr(module, "seed_school"):
                seeders.append(module.seed_school)
            if hasattr(module, "seed_today"):
                todays.append(module.seed_today)
        started = time.monotonic()
        trust = demo.ensure_trust()
        made = []
        for spec in demo.school_specs(schools):
            rng = random.Random(spec.urn)
            with transaction.atomic():
                school = demo.ensure_school(trust, spec)
                demo.ensure_terms(school)
                people = demo.ensure_people(school, spec, rng)
                for seed in seeders:
                    seed(school=school, spec=spec, people=people, rng=rng)
            made.append(school)
            self.stdout.write(f"  {school.name}: ready")
        demo.ensure_trust_hr(made)
        demo.ensure_trust_lead(trust, made)
        for seed in todays:
            seed(schools=made)
        # The demo writes in bulk: no copy kept before it may outlive it (send_hub.lib.kept).
        all_changed(school.pk for school in made)
        self.stdout.write(
            self.style.SUCCESS(f"Demo trust ready in {time.monotonic() - started:.1f}s.")
        )
        if not quiet_logins:
            self.stdout.write(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD})")
            for email, roles, school_name in demo.printed_sign_ins(made):
                self.stdout.write(f"  {email:<28} {roles:<45} {school_name}")
