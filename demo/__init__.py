"""Demo data: the site tree, demo accounts and two small courses, seeded by ``seed_demo``.

The top floor of the project: it may import every other app, and no app imports it.
"""
