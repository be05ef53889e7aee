from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 3 of 3: keys are filled and unique (see 0004)."""

    dependencies = [
        ("posts", "0004_merge_hashtags_by_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hashtag",
            name="key",
            field=models.CharField(max_length=100, unique=True),
        ),
    ]
