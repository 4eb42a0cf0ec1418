"""Arts. 14-18: each PublicParticipation row is one consultation of several, with its channel,
its notice and, for a hearing, its date, when its materials reached the participants and that
they confirmed and signed its record (Arts. 16-17). Rows recorded before keep a blank channel
and notice."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0011_statute_withdrawal_and_independence"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="publicparticipation",
            options={"ordering": ["id"], "verbose_name": "public participation",
                     "verbose_name_plural": "public participation"},
        ),
        migrations.AddField(
            model_name="publicparticipation",
            name="channel",
            field=models.CharField(blank=True, default="", help_text=(
                "Where or how it was published or held, e.g. the government website, the "
                "village notice board."), max_length=200, verbose_name="channel"),
        ),
        migrations.AddField(
            model_name="publicparticipation",
            name="notice",
            field=models.TextField(blank=True, default="", help_text=(
                "The notice given: time, place, how to comment."), verbose_name="notice"),
        ),
        migrations.AddField(
            model_name="publicparticipation",
            name="hearing_on",
            field=models.DateField(blank=True, null=True, verbose_name="hearing held on"),
        ),
        migrations.AddField(
            model_name="publicparticipation",
            name="materials_sent_on",
            field=models.DateField(blank=True, null=True,
                                   verbose_name="hearing materials sent to participants on"),
        ),
        migrations.AddField(
            model_name="publicparticipation",
            name="record_confirmed",
            field=models.BooleanField(
                default=False,
                verbose_name="participants confirmed and signed the hearing record"),
        ),
        migrations.AlterField(
            model_name="publicparticipation",
            name="method",
            field=models.CharField(choices=[
                ("written", "Written consultation"), ("online", "Open online consultation"),
                ("symposium", "Symposium"), ("hearing", "Hearing"), ("survey", "Survey"),
                ("courtyard", "Courtyard meeting"), ("field_visit", "Field visit"),
                ("opinion_poll", "Opinion poll"), ("village_meeting", "Village meeting"),
                ("other", "Other")], max_length=20, verbose_name="method"),
        ),
        migrations.AddConstraint(
            model_name="publicparticipation",
            constraint=models.CheckConstraint(
                condition=models.Q(("hearing_on__isnull", True), models.Q(
                    ("hearing_on__gte", models.F("window_start")),
                    ("hearing_on__lte", models.F("window_end"))), _connector="OR"),
                name="participation_hearing_within_window"),
        ),
    ]
