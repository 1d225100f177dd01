"""``manage.py export_questions CATEGORY_ID [--format gift|aiken] [-o FILE]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.exporting import export_category, export_gift
from quizzes.models import QuestionCategory


class Command(BaseCommand):
    help = "Export a question bank category as a GIFT or Aiken file (UTF-8)."

    def add_arguments(self, parser):
        parser.add_argument("category_id", type=int)
        parser.add_argument("--format", choices=("gift", "aiken"), default="gift")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, *args, **options):
        category = QuestionCategory.objects.filter(pk=options["category_id"]).first()
        if category is None:
            raise CommandError(f"No question category has the id {options['category_id']}.")
        if options["format"] == "gift":
            text = export_gift(category)
            skipped = []
        else:
            result = export_category(category, "aiken")
            text, skipped = result.text, result.skipped
        for name, reason in skipped:
            self.stderr.write(f"Not exported: {name} ({reason})")
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
