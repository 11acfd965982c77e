"""Backup and restore of an installation: `flask backup` writes the database (pg_dump's custom
format, or SQLite's backup API) and the attachments (local storage) into one timestamped
file, with a manifest of every table's row count and checksum; `flask restore FILE` puts them
back and checks the counts and checksums against the manifest."""
