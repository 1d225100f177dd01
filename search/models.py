from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.search_promotions.models import Query


class QueryDailyMisses(models.Model):
    """How often a query found nothing on a day (beside Wagtail's ``QueryDailyHits``)."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="daily_misses")
    date = models.DateField(_("date"))
    misses = models.PositiveIntegerField(_("searches without a result"), default=0)

    class Meta:
        verbose_name = _("searches without a result on a day")
        constraints = [
            models.UniqueConstraint(fields=["query", "date"], name="search_one_miss_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.query} {self.date}: {self.misses}"
