"""Use cases, one module per concern.

Every use case takes a database session and the acting principal, checks access itself
(through assess.access) and never commits: the caller (a web request, a CLI command) owns
the transaction and commits only on success. Modules that read an assessment are kept apart
from those that change it, so imports run one way: answering -> assessments -> register.
"""
