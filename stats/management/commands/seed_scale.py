from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stats.seeding import SeedError, seed_scale


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic learners, courses, progress and quiz attempts in bulk, "
        "to measure the statistics reports at scale (deterministic for a given --seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=1000)
        parser.add_argument("--courses", type=int, default=5)
        parser.add_argument("--activities", type=int, default=20, help="pages per course (≥ 2)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT (5000)")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (a real site)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale adds thousands of fake learners and refuses to run with DEBUG off. "
                "Use --force if you really want them in this database."
            )
        try:
            counts = seed_scale(
                learners=options["learners"],
                courses=options["courses"],
                activities=options["activities"],
                seed=options["seed"],
                batch=options["batch"],
                log=lambda line: self.stdout.write(f"  {line}"),
            )
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {counts.learners} learners, {counts.courses} courses "
                f"({counts.activities} activity pages), {counts.enrolments} enrolments, "
                f"{counts.activity_progress} activity progress rows, "
                f"{counts.course_progress} course summaries, {counts.attempts} quiz attempts, "
                f"{counts.responses} responses in {counts.seconds} s."
            )
        )
