"""``progress_finish``: a completion or score written in one call on PostgreSQL.

What ``progress.services`` does in Python on other databases, in one round trip: the learner's
course summary locked until commit (created if missing; parallel writes for one learner and
course wait for each other here), the activity row updated or created, the learner's done
rows recounted by the course's completion rule (``p_required``, the minimum scores, whether
self-reported results count), and the summary written once (resume point and count). It
returns the activity row, its status before, the summary and what changed.
"""

from django.db import migrations

FINISH = """
CREATE OR REPLACE FUNCTION progress_finish(
    p_user bigint, p_course uuid, p_activity uuid, p_required uuid[], p_min_keys uuid[],
    p_min_scores numeric[], p_accept_self_reported boolean, p_score numeric, p_passed boolean,
    p_source varchar, p_now timestamptz
) RETURNS TABLE (
    activity_id bigint, status varchar, status_before varchar, score numeric,
    score_source varchar, attempts integer, time_spent integer, first_seen_at timestamptz,
    completed_at timestamptz, summary_id bigint, completed_activities integer,
    total_activities integer, percent_complete smallint, started_at timestamptz,
    course_completed_at timestamptz, progressed boolean, newly_completed boolean
) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    summary progress_courseprogress%ROWTYPE;
    act progress_activityprogress%ROWTYPE;
    done integer;
    total integer := cardinality(p_required);
    percent integer;
BEGIN
    SELECT s.* INTO summary FROM progress_courseprogress s
    WHERE s.user_id = p_user AND s.course_key = p_course FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO progress_courseprogress (user_id, course_key, completed_activities,
            total_activities, percent_complete, last_activity_key, last_activity_at, started_at)
        VALUES (p_user, p_course, 0, 0, 0, p_activity, p_now, p_now)
        ON CONFLICT (user_id, course_key) DO NOTHING;
        SELECT s.* INTO summary FROM progress_courseprogress s
        WHERE s.user_id = p_user AND s.course_key = p_course FOR UPDATE;
    END IF;

    SELECT a.* INTO act FROM progress_activityprogress a
    WHERE a.user_id = p_user AND a.activity_key = p_activity;
    IF NOT FOUND THEN
        act.status := 'not_started';
        act.attempts := 0;
        act.score_source := '';
        act.time_spent := 0;
    END IF;
    status_before := act.status;
    IF p_score IS NULL THEN
        IF act.status NOT IN ('completed', 'passed') THEN
            act.status := 'completed';
            act.score_source := p_source;
        END IF;
    ELSE
        act.attempts := act.attempts + 1;
        act.score_source := p_source;
        act.score := round(p_score, 4);
        act.status := CASE p_passed WHEN true THEN 'passed' WHEN false THEN 'failed'
                      ELSE 'completed' END;
    END IF;
    IF act.status IN ('completed', 'passed') AND act.completed_at IS NULL THEN
        act.completed_at := p_now;
    END IF;
    act.first_seen_at := COALESCE(act.first_seen_at, p_now);

    IF act.id IS NOT NULL THEN
        UPDATE progress_activityprogress AS a
        SET status = act.status, score = act.score, score_source = act.score_source,
            attempts = act.attempts, first_seen_at = COALESCE(a.first_seen_at, p_now),
            last_seen_at = p_now, completed_at = act.completed_at
        WHERE a.id = act.id
        RETURNING a.time_spent, a.first_seen_at INTO act.time_spent, act.first_seen_at;
    ELSE
        INSERT INTO progress_activityprogress AS a (user_id, course_key, activity_key, status,
            score, score_source, attempts, time_spent, first_seen_at, last_seen_at, completed_at)
        VALUES (p_user, p_course, p_activity, act.status, act.score, act.score_source,
            act.attempts, 0, p_now, p_now, act.completed_at)
        ON CONFLICT (user_id, activity_key) DO UPDATE
            SET status = excluded.status, score = excluded.score,
                score_source = excluded.score_source, attempts = excluded.attempts,
                first_seen_at = COALESCE(a.first_seen_at, excluded.first_seen_at),
                last_seen_at = excluded.last_seen_at, completed_at = excluded.completed_at
        RETURNING a.id, a.time_spent, a.first_seen_at INTO act.id, act.time_spent,
            act.first_seen_at;
    END IF;

    IF cardinality(p_min_keys) = 0 THEN
        SELECT count(*) INTO done FROM progress_activityprogress a
        WHERE a.user_id = p_user AND a.activity_key = ANY (p_required)
            AND a.status IN ('completed', 'passed')
            AND (p_accept_self_reported OR a.score_source <> 'self_reported');
    ELSE
        SELECT count(*) INTO done FROM progress_activityprogress a
        LEFT JOIN unnest(p_min_keys, p_min_scores) AS m(key, minimum) ON m.key = a.activity_key
        WHERE a.user_id = p_user AND a.activity_key = ANY (p_required)
            AND a.status IN ('completed', 'passed')
            AND (p_accept_self_reported OR a.score_source <> 'self_reported')
            AND (m.minimum IS NULL OR a.score >= m.minimum);
    END IF;

    percent := CASE WHEN total > 0 THEN (100 * done) / total ELSE 0 END;
    progressed := summary.percent_complete <> percent;
    newly_completed := total > 0 AND done >= total AND summary.completed_at IS NULL;
    UPDATE progress_courseprogress AS s
    SET last_activity_key = p_activity, last_activity_at = p_now,
        completed_activities = done, total_activities = total, percent_complete = percent,
        completed_at = CASE WHEN newly_completed THEN p_now ELSE s.completed_at END
    WHERE s.id = summary.id
    RETURNING s.* INTO summary;

    activity_id := act.id;
    status := act.status;
    score := act.score;
    score_source := act.score_source;
    attempts := act.attempts;
    time_spent := act.time_spent;
    first_seen_at := act.first_seen_at;
    completed_at := act.completed_at;
    summary_id := summary.id;
    completed_activities := summary.completed_activities;
    total_activities := summary.total_activities;
    percent_complete := summary.percent_complete;
    started_at := summary.started_at;
    course_completed_at := summary.completed_at;
    RETURN NEXT;
END
$fn$;
"""

DROP = "DROP FUNCTION IF EXISTS progress_finish"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FINISH, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("progress", "0002_activityprogress_score_source")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
