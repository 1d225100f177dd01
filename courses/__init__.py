"""Courses: catalogue, course and module pages, lessons and enrolment (built in issue 4)."""
