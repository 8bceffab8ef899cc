"""The table of Django's database cache (settings.CACHES), which every app server shares.

Its one user is the count of a round's answers per network address (samla/surveys/once.py,
ADR 0011): kept in one process's memory, each app server behind a load balancer would count only
its own share, and the cap would multiply by the number of servers (issue 17). The table is
Django's own (``createcachetable``), made here so that every ``migrate`` makes it: the test
databases, ``make run`` and each deployment. It holds nothing that needs keeping.
"""

from django.core.management import call_command
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "samla_cache"  # settings.CACHES["default"]["LOCATION"]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_fix_published_wording")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
