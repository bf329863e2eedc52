"""Keep approved statements and their lines unchangeable in the database (see ../guard.py)."""

from django.db import migrations

from yunying.settlement import guard


def install(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
