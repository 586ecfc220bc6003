"""The termly impact report: one stored build per school, term and version (leaders/governors)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import interventions.insight.models


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0005_seed_plan_kinds"),
        ("staff", "0005_terms_trust_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TermlyReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term_key", models.CharField(help_text='e.g. "2025-AUTUMN".', max_length=12)),
                (
                    "version",
                    models.CharField(
                        choices=[("LEADERS", "Leaders"), ("GOVERNORS", "Governors")], max_length=9
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("QUEUED", "Queued"),
                            ("BUILDING", "Building"),
                            ("READY", "Ready"),
                            ("FAILED", "Failed"),
                        ],
                        default="QUEUED",
                        max_length=8,
                    ),
                ),
                ("figures", models.JSONField(blank=True, default=dict)),
                (
                    "pdf",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=interventions.insight.models.termly_report_path,
                    ),
                ),
                ("requested_at", models.DateTimeField(blank=True, null=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("built_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.CharField(blank=True, max_length=300)),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="termly_reports",
                        to="staff.school",
                    ),
                ),
            ],
            # The unique constraint's index also serves the reports page (a school's terms).
            options={
                "ordering": ["school", "-term_key", "version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("school", "term_key", "version"), name="termly_report_once"
                    )
                ],
            },
        ),
    ]
