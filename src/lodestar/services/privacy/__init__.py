"""Privacy: small-group suppression, the audit trail's reader, the subject access export,
erasure by pseudonymisation and retention. The trail itself is written by
``services.audit``; docs/privacy.md says what each part does and keeps."""

from lodestar.services.privacy.audit_log import (
    AuditFilters,
    AuditPage,
    AuditRow,
    audit_csv,
    audit_page,
    audit_rows,
)
from lodestar.services.privacy.erasure import ErasureOutcome, erase_person, is_pseudonymised
from lodestar.services.privacy.export import PersonExport, person_export
from lodestar.services.privacy.groups import GroupRule, group_rule, settings_of
from lodestar.services.privacy.people import find_person, require_admin, search_people
from lodestar.services.privacy.retention import RetentionOutcome, RetentionStep, apply_retention

__all__ = [
    "AuditFilters",
    "AuditPage",
    "AuditRow",
    "ErasureOutcome",
    "GroupRule",
    "PersonExport",
    "RetentionOutcome",
    "RetentionStep",
    "apply_retention",
    "audit_csv",
    "audit_page",
    "audit_rows",
    "erase_person",
    "find_person",
    "group_rule",
    "is_pseudonymised",
    "person_export",
    "require_admin",
    "search_people",
    "settings_of",
]
