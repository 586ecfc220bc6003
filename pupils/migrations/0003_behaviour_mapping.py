"""Saved column mappings serve behaviour imports too (a kind, and Class Charts as a source);
pupils gain the ethnicity the MIS records, so removals monitoring can break down by it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pupils", "0002_records_passport_imports"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="importmapping",
            name="import_mapping_name_once",
        ),
        migrations.AddField(
            model_name="importmapping",
            name="kind",
            field=models.CharField(
                choices=[("PUPILS", "Pupils"), ("BEHAVIOUR", "Behaviour events")],
                default="PUPILS",
                max_length=9,
            ),
        ),
        migrations.AlterField(
            model_name="importmapping",
            name="source",
            field=models.CharField(
                choices=[
                    ("SIMS", "SIMS"),
                    ("ARBOR", "Arbor"),
                    ("BROMCOM", "Bromcom"),
                    ("CLASSCHART", "Class Charts"),
                    ("OTHER", "Other"),
                ],
                max_length=10,
            ),
        ),
        # A school names its pupil and behaviour mappings independently.
        migrations.AddConstraint(
            model_name="importmapping",
            constraint=models.UniqueConstraint(
                fields=("school", "kind", "name"), name="import_mapping_name_once_per_kind"
            ),
        ),
        migrations.AddField(
            model_name="pupil",
            name="ethnicity",
            field=models.CharField(blank=True, max_length=60),
        ),
    ]
