"""Learner and staff accounts: the custom user model, sign-up, log-in, password reset, profile."""
