"""Each concern's current state, kept beside its decisions (``LatestDecision``, issue #16).

The DSL queue and the Today panel sorted and filtered every concern on its latest decision,
found among the decisions for each concern in each request. The state is now kept with each new
decision (``Decision.save``); this migration fills it for the decisions already recorded.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Decision = apps.get_model("safeguarding", "Decision")
    LatestDecision = apps.get_model("safeguarding", "LatestDecision")
    latest = {}
    rows = Decision.objects.order_by("concern_id", "decided_at", "pk").values(
        "pk", "concern_id", "status", "risk"
    )
    for row in rows.iterator(chunk_size=2000):
        latest[row["concern_id"]] = row  # the last one in each concern's order
    LatestDecision.objects.bulk_create(
        (
            LatestDecision(
                concern_id=concern_id, decision_id=row["pk"], status=row["status"], risk=row["risk"]
            )
            for concern_id, row in latest.items()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0005_concern_attachments"),
    ]

    operations = [
        migrations.CreateModel(
            name="LatestDecision",
            fields=[
                (
                    "concern",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="latest_decision",
                        serialize=False,
                        to="safeguarding.concern",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("NEW", "New"),
                            ("IN_PROGRESS", "In progress"),
                            ("MONITORING", "Monitoring"),
                            ("REFERRED", "Referred"),
                            ("CLOSED", "Closed"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "risk",
                    models.CharField(
                        blank=True,
                        choices=[("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High")],
                        max_length=6,
                    ),
                ),
                (
                    "decision",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="safeguarding.decision",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
