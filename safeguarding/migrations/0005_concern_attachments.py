"""Files on concerns (Attachment), append-only, and the file access that records a download.

Numbered 0005 but applied after 0006_truncate_refused, which sealed the append-only tables that
existed then: this one is sealed here the same way (``send_hub_append_only``, staff 0007: the
app's role loses UPDATE, DELETE and TRUNCATE, and TRUNCATE is refused to all but the owner).
Nothing happens on SQLite (the demo).
"""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
import safeguarding.models.attachments
from django.conf import settings
from django.db import migrations, models


def seal(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT send_hub_append_only('safeguarding_attachment')", params=None)


def unseal(apps, schema_editor):
    # The table goes with the migration's CreateModel; privileges are not given back.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS send_hub_no_truncate ON safeguarding_attachment", params=None
        )


class Migration(migrations.Migration):

    dependencies = [
        ('safeguarding', '0006_truncate_refused'),
        ('staff', '0007_audit_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='fileaccess',
            name='kind',
            field=models.CharField(choices=[('CONCERN_VIEWED', 'Opened a concern'), ('CHRONOLOGY_VIEWED', 'Opened the chronology'), ('CHRONOLOGY_PRINTED', 'Printed the chronology (PDF)'), ('FILE_EXPORTED', 'Exported the file for transfer'), ('ACTION_VIEWED', 'Opened a safeguarding action they own'), ('FILE_DOWNLOADED', 'Downloaded a file attached to a concern')], max_length=20),
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('HANDWRITTEN', 'Handwritten note (scan or photo)'), ('LETTER', 'Letter (for example from MASH or social care)'), ('MINUTES', 'Meeting or conference minutes'), ('REPORT', 'Report from another agency'), ('OTHER', 'Other')], max_length=12, verbose_name='what it is')),
                ('description', models.CharField(blank=True, max_length=200)),
                ('file', models.FileField(max_length=200, upload_to=safeguarding.models.attachments.attachment_path)),
                ('original_name', models.CharField(max_length=255)),
                ('content_type', models.CharField(max_length=50)),
                ('size', models.PositiveIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_by_job_title', models.CharField(blank=True, max_length=150)),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('addendum', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='safeguarding.addendum')),
                ('concern', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='safeguarding.concern')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['uploaded_at', 'pk'],
                'indexes': [models.Index(fields=['concern', 'uploaded_at'], name='attachment_concern_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('original_name', ''), _negated=True), name='attachment_has_name')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='attachment',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='f41f914eda7198d99c999a84337d1f2a91103536', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_c6051', table='safeguarding_attachment', when='BEFORE')),
        ),
        migrations.RunPython(seal, unseal),
    ]
