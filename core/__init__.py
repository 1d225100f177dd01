"""Site-wide pieces: the home page, base templates, language switching, health checks."""
