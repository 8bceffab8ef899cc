"""The rollup counted per calendar year (``YearCount``, ADR 0019), and the rollup's rows left in
place when their referral, participant or activity is deleted, until the refresh that subtracts
them from the year counts removes them.

Last, the rollup is emptied and every participant who has a referral is marked stale: the first
refresh (``manage.py refresh_rollups``, or the scheduler) builds the rollup and the year counts
together, from nothing. Until it is done the dashboards count what is built so far; the runbook
says to run the refresh as part of the upgrade.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_age_range'),
        ('indicators', '0005_forget_releases_of_the_old_digest'),
        ('people', '0003_search_name'),
        ('referrals', '0004_attendance'),
    ]

    operations = [
        migrations.CreateModel(
            name='YearCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(max_length=10)),
                ('columns', models.CharField(max_length=64)),
                ('activity_id', models.BigIntegerField()),
                ('year', models.SmallIntegerField()),
                ('until', models.SmallIntegerField()),
                ('by_municipality', models.CharField(max_length=32)),
                ('by_sex', models.CharField(max_length=32)),
                ('first', models.CharField(max_length=32)),
                ('second', models.CharField(max_length=32)),
                ('count', models.IntegerField()),
                ('hash_high', models.BigIntegerField()),
                ('hash_low', models.BigIntegerField()),
            ],
        ),
        migrations.AlterField(
            model_name='rollup',
            name='activity',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='activities.activity'),
        ),
        migrations.AlterField(
            model_name='rollup',
            name='participant',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='people.participant'),
        ),
        migrations.AlterField(
            model_name='rollup',
            name='referral',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='referrals.referral'),
        ),
        migrations.AddIndex(
            model_name='rollup',
            index=models.Index(fields=['activity', 'sent_on'], name='indicators_rollup_sent'),
        ),
        migrations.AddConstraint(
            model_name='yearcount',
            constraint=models.UniqueConstraint(fields=('event', 'columns', 'activity_id', 'year', 'until', 'by_municipality', 'by_sex', 'first', 'second'), name='indicators_yearcount_once'),
        ),
        migrations.AddConstraint(
            model_name='yearcount',
            constraint=models.CheckConstraint(condition=models.Q(('count__gte', 0)), name='indicators_yearcount_not_negative'),
        ),
        migrations.RunSQL(
            [
                "DELETE FROM indicators_rollup",
                "INSERT INTO indicators_staleparticipant (participant_id) "
                "SELECT DISTINCT participant_id FROM referrals_referral",
            ],
            migrations.RunSQL.noop,
        ),
    ]
