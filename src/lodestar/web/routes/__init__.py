"""Every router the app mounts, in one list."""

from lodestar.web.routes import (
    api_docs,
    api_me,
    api_privacy,
    api_programs,
    api_requests,
    api_strategy,
    auth,
    home,
    import_pages,
    kpi_pages,
    priority_pages,
    privacy_pages,
    program_pages,
    request_pages,
    triage_pages,
)

ROUTERS = [
    auth.router,
    home.router,
    request_pages.router,
    triage_pages.router,
    priority_pages.router,
    kpi_pages.router,
    import_pages.router,
    program_pages.router,
    privacy_pages.router,
    api_docs.router,
    api_me.router,
    api_requests.router,
    api_strategy.router,
    api_programs.router,
    api_privacy.router,
]
