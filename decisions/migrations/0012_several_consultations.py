from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0011_statute_withdrawal_and_independence"),
    ]

    operations = [
    ]
