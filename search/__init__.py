"""Site search over published pages of the current language (Wagtail search backends)."""
