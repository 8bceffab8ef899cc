"""Releases made before the rollup (ADR 0019) kept the digests of their groups as a hash of the
sorted ids; a group's digest is now computed from its tally, so they approve nothing. Kept, they
would make the pages say "the figures are those of <date>" while showing only "–". Removed, the
pages say that the statistics have not been released yet, and the office can ask for a release
at once (the nightly run makes one anyway). A release is derived data: nothing is lost."""

from django.db import migrations


def forget_releases(apps, schema_editor):
    apps.get_model("indicators", "Release").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0004_mark_stale_participants"),
    ]

    operations = [
        migrations.RunPython(forget_releases, migrations.RunPython.noop),
    ]
