from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0012_several_consultations"),
    ]

    operations = [
    ]
