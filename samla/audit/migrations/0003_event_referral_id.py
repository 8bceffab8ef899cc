"""The referral that gave a provider's staff access, beside the consent that gives another
organisation's. A nullable column without a default: SQLite adds it with ALTER TABLE ADD COLUMN
and keeps the table, so the triggers of migration 0002 stay. Rows written before it hash as
before (chain.OPTIONAL_HASHED_FIELDS)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_refuse_update_and_delete'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='referral_id',
            field=models.PositiveBigIntegerField(blank=True, help_text='Remissen som gav utförarens personal åtkomsten.', null=True, verbose_name='remissens id'),
        ),
    ]
