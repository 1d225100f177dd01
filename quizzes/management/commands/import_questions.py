"""``manage.py import_questions FILE --format gift|aiken``: all questions of a file, or none."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.models import CoursePage
from quizzes.importing import (
    FORMATS,
    QuestionImportError,
    import_questions,
    parse_file,
    question_problems,
)
from quizzes.models import QuestionCategory


class Command(BaseCommand):
    help = (
        "Import a GIFT or Aiken question file into the question bank. A file with any bad "
        "question imports nothing and exits with status 1, listing every problem by line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the question file (UTF-8).")
        parser.add_argument("--format", choices=FORMATS, default="gift")
        parser.add_argument(
            "--category",
            help="Put every question in this category (created if missing); default: the "
            "categories named in the file, else 'Imported'.",
        )
        parser.add_argument(
            "--course", type=int, help="Page id of the course the categories belong to."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the parsed questions as JSON on stdout (messages go to stderr).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        result = parse_file(data, options["format"])
        if options["json"]:
            questions = [question.to_dict() for question in result.questions]
            self.stdout.write(json.dumps(questions, ensure_ascii=False, indent=2))
        errors = result.errors or question_problems(result.questions)
        if errors:
            self._fail(errors)
        course = self._course(options["course"])
        report = self.stderr if options["json"] else self.stdout
        if options["dry_run"]:
            report.write(f"Dry run: {len(result.questions)} questions are ready to import.")
            return
        with transaction.atomic():
            category = None
            if options["category"]:
                category, _created = QuestionCategory.objects.get_or_create(
                    name=options["category"][:255], course=course
                )
            try:
                created = import_questions(
                    parsed=result.questions,
                    category=category,
                    course=course,
                    source_format=options["format"],
                )
            except QuestionImportError as error:
                self._fail(error.errors)
        names = ", ".join(sorted({question.category.name for question in created}))
        report.write(f"Imported {len(created)} questions into {names}")

    def _course(self, page_id):
        if page_id is None:
            return None
        course = CoursePage.objects.filter(pk=page_id).first()
        if course is None:
            raise CommandError(f"No course page has the id {page_id}.")
        return course

    def _fail(self, errors):
        for issue in sorted(errors, key=lambda issue: issue.line):
            self.stderr.write(str(issue))
        raise CommandError(f"{len(errors)} problem(s) found; nothing was imported.")
