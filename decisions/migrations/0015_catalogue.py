"""The annual decision catalogue (Art. 3 para. 3): the list, its items, and each decision's item
or its reason for being outside it; existing decisions keep neither (shown as not linked)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0014_refusal_tally'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='outside_catalogue_reason',
            field=models.TextField(blank=True, default='', help_text="Why the decision is taken though its year's catalogue does not list it.", verbose_name='reason it is outside the catalogue'),
        ),
        migrations.CreateModel(
            name='Catalogue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                ('organ', models.CharField(max_length=120, verbose_name='decision organ')),
                ('title', models.CharField(max_length=200, verbose_name='title of the catalogue')),
                ('party_consent_date', models.DateField(blank=True, null=True, verbose_name="date of the Party committee's consent")),
                ('party_consent_reference', models.CharField(blank=True, default='', max_length=120, verbose_name="reference of the Party committee's consent")),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='published by')),
            ],
            options={
                'verbose_name': 'decision catalogue',
                'verbose_name_plural': 'decision catalogues',
                'ordering': ['-year'],
                'permissions': [('manage_catalogue', 'Can manage the annual decision catalogue')],
            },
        ),
        migrations.CreateModel(
            name='CatalogueItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='number')),
                ('title', models.CharField(max_length=200, verbose_name='item')),
                ('lead_unit', models.CharField(max_length=120, verbose_name='lead unit')),
                ('planned_quarter', models.PositiveSmallIntegerField(choices=[(1, 1), (2, 2), (3, 3), (4, 4)], verbose_name='planned quarter')),
                ('basis', models.TextField(verbose_name='basis')),
                ('added_at', models.DateTimeField(verbose_name='added at')),
                ('added_reason', models.TextField(blank=True, default='', help_text='Required for an item added after the catalogue was published.', verbose_name='reason for the addition')),
                ('removed_at', models.DateTimeField(blank=True, null=True, verbose_name='removed at')),
                ('removed_reason', models.TextField(blank=True, default='', verbose_name='reason for the removal')),
                ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                ('catalogue', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='decisions.catalogue', verbose_name='catalogue')),
                ('removed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='removed by')),
            ],
            options={
                'verbose_name': 'catalogue item',
                'verbose_name_plural': 'catalogue items',
                'ordering': ['catalogue', 'number'],
            },
        ),
        migrations.AddField(
            model_name='decision',
            name='catalogue_item',
            field=models.ForeignKey(blank=True, help_text="The item of the year's decision catalogue this decision carries out (Art. 3 para. 3).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='decisions.catalogueitem', verbose_name='catalogue item'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('catalogue_item__isnull', True), ('outside_catalogue_reason', ''), _connector='OR'), name='decision_in_catalogue_or_outside_not_both'),
        ),
        migrations.AddConstraint(
            model_name='catalogue',
            constraint=models.CheckConstraint(condition=models.Q(('published_at__isnull', True), models.Q(('published_by__isnull', False), ('party_consent_date__isnull', False), models.Q(('party_consent_reference', ''), _negated=True)), _connector='OR'), name='decisions_catalogue_published_with_consent'),
        ),
        migrations.AddConstraint(
            model_name='catalogueitem',
            constraint=models.UniqueConstraint(fields=('catalogue', 'number'), name='decisions_catalogue_item_number'),
        ),
        migrations.AddConstraint(
            model_name='catalogueitem',
            constraint=models.CheckConstraint(condition=models.Q(('planned_quarter__gte', 1), ('planned_quarter__lte', 4)), name='decisions_catalogue_item_quarter'),
        ),
        migrations.AddConstraint(
            model_name='catalogueitem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('removed_at__isnull', True), ('removed_by__isnull', True), ('removed_reason', '')), models.Q(('removed_at__isnull', False), ('removed_by__isnull', False), models.Q(('removed_reason', ''), _negated=True)), _connector='OR'), name='decisions_catalogue_item_removal_reasoned'),
        ),
    ]
