"""The statistics reports in the admin: who sees what, bad filters, the exports' rows."""

import csv
import datetime
import io
import re

import jdatetime
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import User
from core.templatetags.savad import jdate
from core.text import persian_digits
from courses.models import Enrolment
from progress.models import ActivityProgress
from stats.models import LearnerGroup

pytestmark = pytest.mark.django_db


LEARNERS = reverse("stats:learners")
OVERVIEW = reverse("stats:overview")
HOME = reverse("wagtailadmin_home")


def client_for(client, world, name):
    client.force_login(User.objects.get(pk=world.users[name]))
    return client


def funnel_url(course):
    return reverse("stats:funnel", args=[course.translation_key])


def export_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "text/csv":
        return list(csv.reader(io.StringIO(content.decode())))
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def emails(rows) -> list[str]:
    return sorted(row[1] for row in rows[1:])


# who: (the reports' status, courses in the overview, rows in the learner table and its
#       export, funnel of A, funnel of C); 302 = sent back to the admin's home page
MATRIX = {
    "superuser": (200, 3, 8, 200, 200),
    "viewer": (200, 3, 8, 200, 200),
    "teacher_a": (200, 2, 7, 200, 302),
    "teacher_c": (200, 1, 1, 302, 200),
    "no_course": (302, None, None, 302, 302),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(client, stats_world, who):
    status, courses, enrolments, funnel_a, funnel_c = MATRIX[who]
    client = client_for(client, stats_world, who)
    overview = client.get(OVERVIEW)
    assert overview.status_code == status
    for course, expected in ((stats_world.course_a, funnel_a), (stats_world.course_c, funnel_c)):
        funnel = client.get(funnel_url(course))
        assert funnel.status_code == expected
        assert expected == 200 or funnel["Location"] == HOME
    learners = client.get(LEARNERS, {"export": "csv"})
    assert learners.status_code == status
    if status != 200:
        assert overview["Location"] == learners["Location"] == HOME
        return
    assert len(overview.context["object_list"]) == courses + 1  # and the total
    assert len(export_rows(learners)) == enrolments + 1  # and the headings
    filters = client.get(LEARNERS).context["filters"]
    assert len(filters.form.fields["course"].choices) == courses + 1  # and "All courses"


def test_a_learner_is_sent_to_the_admin_login(client, stats_world):
    client = client_for(client, stats_world, "learner")
    for url in (OVERVIEW, LEARNERS, funnel_url(stats_world.course_a)):
        assert client.get(url).status_code == 302


def test_a_teacher_cannot_filter_by_another_teachers_course(client, stats_world):
    client = client_for(client, stats_world, "teacher_a")
    key = stats_world.course_c.translation_key
    for params in ({"course": key}, {"course": key, "export": "csv"}):
        response = client.get(LEARNERS, params)
        assert response.status_code == 200
        if "export" in params:
            assert len(export_rows(response)) == 1  # headings only
        else:
            assert response.context["object_list"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"course": "abc"},
        {"group": "abc"},
        {"group": "999999"},
        {"status": "bogus"},
        {"enrolled_at_from": "1404/13/40"},
        {"enrolled_at_to": "not a date"},
    ],
)
def test_bogus_filters_give_a_message_and_no_rows(client, stats_world, params):
    client = client_for(client, stats_world, "superuser")
    response = client.get(LEARNERS, params)
    assert response.status_code == 200
    assert response.context["object_list"] == []
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_exports_hold_exactly_the_filtered_rows(client, stats_world, export):
    client = client_for(client, stats_world, "superuser")
    params = {
        "course": str(stats_world.course_a.translation_key),
        "group": str(stats_world.groups["class_1"]),
    }
    shown = client.get(LEARNERS, params).context["object_list"]
    assert sorted(row.user.email for row in shown) == ["=cmd@example.org", "u1@example.org"]
    rows = export_rows(client.get(LEARNERS, {**params, "export": export}))
    assert len(rows) == 3
    if export == "csv":  # escaped, as the learner data export does
        assert emails(rows) == ["'=cmd@example.org", "u1@example.org"]
    else:
        assert emails(rows) == ["=cmd@example.org", "u1@example.org"]
    u1 = next(row for row in rows if row[1] == "u1@example.org")
    assert u1[2] == "کلاس ۱, مدرسه"  # both of u1's groups
    assert (u1[5], u1[9], u1[10]) == ("100", "0", "80%")  # progress, minutes, best quiz


def test_status_filter_search_and_sorting(client, stats_world):
    client = client_for(client, stats_world, "teacher_a")
    completed = client.get(LEARNERS, {"status": "completed", "ordering": "user__email"})
    assert [r.user.username for r in completed.context["object_list"]] == ["u1", "u2", "u5"]
    found = client.get(LEARNERS, {"q": "u6@"}).context["object_list"]
    assert [r.user.username for r in found] == ["u6"]
    by_progress = client.get(LEARNERS, {"ordering": "-progress_percent"}).context["object_list"]
    assert [r.progress_percent for r in by_progress] == [100, 100, 75, 50, 25, 0, 0]


def test_dates_are_jalali_in_persian(client, stats_world):
    client = client_for(client, stats_world, "superuser")
    html = client.get(LEARNERS, {"q": "u7@"}).content.decode()  # the admin is in Persian
    enrolled_at = Enrolment.objects.get(user_id=stats_world.users["u7"]).enrolled_at
    with translation.override("fa"):
        jalali = jdate(enrolled_at)
    assert jalali.endswith(("۱۴۰۴", "۱۴۰۵", "۱۴۰۶"))  # a Jalali year in Persian digits
    assert jalali in html
    assert enrolled_at.strftime("%Y-%m-%d") not in html


def test_overview_and_dashboard_panel(client, stats_world):
    client = client_for(client, stats_world, "teacher_a")
    overview = client.get(OVERVIEW)
    total = overview.context["object_list"][-1]
    assert (total.enrolled, total.completed, total.completion_rate_text) == (7, 3, "43%")
    csv_rows = export_rows(client.get(OVERVIEW, {"export": "csv"}))
    assert [row[0] for row in csv_rows[1:]] == ["الف دوره", "ب دوره", total.title]
    dashboard = client.get(HOME).content.decode()
    assert "stats-panel-heading" in dashboard
    panel = dashboard[dashboard.index("stats-panel-heading") :]
    numbers = re.findall(r"<dd>(\d+)</dd>", panel)[:6]
    assert numbers == ["7", "5", "3", "2", "3", "2"]  # A and B: enrolled … certificates
    assert (
        client_for(client, stats_world, "no_course")
        .get(HOME)
        .content.decode()
        .count("stats-panel-heading")
        == 0
    )


def test_funnel_page_lists_the_activities(client, stats_world):
    client = client_for(client, stats_world, "teacher_a")
    rows = export_rows(client.get(funnel_url(stats_world.course_a), {"export": "csv"}))
    assert [row[1:3] for row in rows[1:]] == [["4", "4"], ["4", "3"], ["3", "3"], ["3", "2"]]


def test_report_pages_make_no_query_per_row(client, stats_world, django_assert_max_num_queries):
    """A fixed number of queries whatever the number of rows: 2 rows cost what 8 rows cost."""
    client = client_for(client, stats_world, "superuser")
    client.get(LEARNERS)  # warm what is cached per process (locales, the site)
    counts = {}
    for name, params in (("few", {"status": "not_started"}), ("all", {"status": ""})):
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(LEARNERS, params).context["object_list"]
        counts[name] = (len(rows), len(queries))
    assert counts["few"][0] == 2 and counts["all"][0] == 8
    assert counts["few"][1] == counts["all"][1] <= 12
    with django_assert_max_num_queries(7):
        assert len(export_rows(client.get(LEARNERS, {"export": "xlsx"}))) == 9
    # 13, the rollup looked up (stats.rollups) and the weekly trend's two queries
    with django_assert_max_num_queries(16):
        assert client.get(OVERVIEW).status_code == 200


def test_xlsx_cells_that_look_like_formulas_stay_text(client, stats_world):
    client = client_for(client, stats_world, "superuser")
    response = client.get(LEARNERS, {"q": "cmd@", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == ("=cmd@example.org", "s")


def test_statistics_menu_for_those_who_may_see_it(client, stats_world):
    assert OVERVIEW in client_for(client, stats_world, "teacher_a").get(HOME).content.decode()
    assert OVERVIEW not in client_for(client, stats_world, "no_course").get(HOME).content.decode()


def test_a_statistics_viewer_manages_learner_groups(client, stats_world):
    client = client_for(client, stats_world, "viewer")
    u4, u6 = stats_world.users["u4"], stats_world.users["u6"]
    response = client.post(
        reverse("learner_groups:add"),
        {"name": "منطقهٔ ۲", "kind": "region", "members": [u4, u6]},
    )
    assert response.status_code == 302
    group = LearnerGroup.objects.get(name="منطقهٔ ۲")
    assert sorted(group.members.values_list("pk", flat=True)) == sorted([u4, u6])
    shown = client.get(LEARNERS, {"group": group.pk}).context["object_list"]
    assert sorted(row.user.username for row in shown) == ["u4", "u6"]
    teacher = client_for(client, stats_world, "teacher_a")
    assert teacher.get(reverse("learner_groups:add")).status_code == 302  # not theirs to manage


@pytest.mark.parametrize("calendar", ["jalali", "gregorian"])
def test_date_range_accepts_jalali_and_gregorian_dates(client, stats_world, calendar):
    """u6 enrolled in B 4 days ago, every other enrolment is at least 5 days old."""
    client = client_for(client, stats_world, "superuser")
    day = timezone.localdate(Enrolment.objects.get(user_id=stats_world.users["u6"]).enrolled_at)

    def typed(value) -> str:
        if calendar == "gregorian":
            return value.isoformat()
        # as a Persian admin types it: ۱۴۰۵/۰۹/۰۷
        return persian_digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))

    shown = client.get(LEARNERS, {"enrolled_at_from": typed(day)}).context["object_list"]
    assert [row.user.username for row in shown] == ["u6"]
    the_day_before = datetime.timedelta(days=1)
    earlier = client.get(LEARNERS, {"enrolled_at_to": typed(day - the_day_before)})
    assert len(earlier.context["object_list"]) == 7


def test_a_teachers_report_asks_who_they_are_once(client, stats_world):
    """The Statistics menu's items share one answer to "may this user see statistics?"."""
    client = client_for(client, stats_world, "teacher_a")
    client.get(OVERVIEW)  # warm what is cached per process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(OVERVIEW).status_code == 200
    scope_queries = [
        q for q in queries if '"courses_coursepage"' in q["sql"] and "editors_group" in q["sql"]
    ]
    # the view's, the Statistics menu's (once for its four items), the grading menu's
    assert len(scope_queries) == 3, len(queries)


def test_time_spent_is_the_sum_over_the_courses_activities(client, stats_world):
    """u1 spent 5 + 10 + 15 minutes in three activities of course A and 7 in course B."""
    keys = stats_world.activities_a
    rows = ActivityProgress.objects.filter(user_id=stats_world.users["u1"])
    for key, seconds in zip(keys[:3], (300, 600, 900), strict=True):
        rows.filter(activity_key=key).update(time_spent=seconds)
    rows.filter(course_key=stats_world.course_b.translation_key).update(time_spent=420)
    client = client_for(client, stats_world, "superuser")
    shown = client.get(LEARNERS, {"q": "u1@"}).context["object_list"]
    minutes = {row.course_key: row.time_spent_minutes for row in shown}
    assert minutes == {
        stats_world.course_a.translation_key: 30,
        stats_world.course_b.translation_key: 7,
    }
    never = client.get(LEARNERS, {"q": "u4@"}).context["object_list"]
    assert [row.time_spent_minutes for row in never] == [""]  # never started
