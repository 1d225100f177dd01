"""A minimal Django/Wagtail project serving wagtail-lms (``bench/load.py --target wagtail-lms``)."""
