"""The web adapter: server-rendered pages (Jinja2 + htmx) and the JSON API under /api."""
