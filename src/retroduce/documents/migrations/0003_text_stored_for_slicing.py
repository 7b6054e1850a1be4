"""PostgreSQL: keep a document's text uncompressed out of line (STORAGE EXTERNAL), so that reading
one page's slice, as the viewer does on every page turn, fetches only the chunks it needs instead
of decompressing the whole text (5 ms for a 300-page PDF's 1 MB). Existing texts are rewritten so
they take the new storage too. SQLite has no such setting and needs nothing."""

from django.db import migrations


def forwards(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE "documents_document" ALTER COLUMN "text" SET STORAGE EXTERNAL'
    )
    # A new value (|| '') is stored with the column's current storage; an unchanged one is not.
    schema_editor.execute('UPDATE "documents_document" SET "text" = "text" || \'\'')


def backwards(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "documents_document" ALTER COLUMN "text" SET STORAGE EXTENDED'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_document_country_document_setting_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
