"""Privacy: small-group suppression, the subject access export, erasure by pseudonymisation
and retention. The audit trail itself is written by ``services.audit``."""
