"""The archive dossier of one decision: building it, its PDF summary, and its offline check
(decisions/dossier/check.py imports no Django, so this package imports nothing either)."""
