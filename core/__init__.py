"""Site-wide pieces: the home page, base templates, language switching, health and demo data."""
