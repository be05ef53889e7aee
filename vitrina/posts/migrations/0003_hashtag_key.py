from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of 3: a key column beside the name, which stops being unique (0004 fills the
    keys and merges tags that share one, 0005 makes keys unique)."""

    dependencies = [
        ("posts", "0002_explore_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="hashtag",
            name="key",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="hashtag",
            name="name",
            field=models.CharField(max_length=100),
        ),
    ]
