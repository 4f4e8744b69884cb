"""Typed contexts, templates and charts for briefs (HTML, PDF)."""
