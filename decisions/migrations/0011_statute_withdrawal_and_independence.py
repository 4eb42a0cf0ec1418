"""Issue 10 (the statute's gates): this slice's schema; filled in by the slice that owns it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0010_statute_meeting_and_publication"),
    ]

    operations = []
