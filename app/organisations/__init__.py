"""Organisations: municipalities, vendors and communities (their pages are in `app.admin`)."""
