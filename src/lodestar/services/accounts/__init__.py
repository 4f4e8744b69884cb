"""Accounts: who may sign in and how (password, browser session, API token), what an
administrator changes on an account, and turning an account into the Actor services take.

One module per concept: ``users`` (accounts and their administration), ``passwords``,
``signin`` (throttled, constant-time), ``throttle``, ``sessions`` (server-side browser
sessions), ``tokens`` (named, expiring, revocable API tokens), ``personas`` (demo sign-in),
``overview`` (every account as an administrator sees it).
"""

from lodestar.services.accounts.overview import (
    AccountRow,
    account_row,
    accounts_overview,
    department_choices,
)
from lodestar.services.accounts.passwords import MIN_PASSWORD, check_repeated, hash_password
from lodestar.services.accounts.personas import (
    NOT_A_DEMO,
    demo_personas,
    is_demo_workspace,
    mark_demo_workspace,
    persona_for_sign_in,
)
from lodestar.services.accounts.sessions import (
    account_for_session,
    end_session,
    new_session_token,
    start_session,
)
from lodestar.services.accounts.signin import SignInResult, authenticate, sign_in
from lodestar.services.accounts.tokens import DEFAULT_DAYS as DEFAULT_TOKEN_DAYS
from lodestar.services.accounts.tokens import MAX_DAYS as MAX_TOKEN_DAYS
from lodestar.services.accounts.tokens import (
    NewToken,
    TokenInfo,
    TokenInput,
    account_for_token,
    create_token,
    issue_api_token,
    list_tokens,
    revoke_token,
)
from lodestar.services.accounts.users import (
    Account,
    actor_of,
    change_own_password,
    create_user,
    deactivate_user,
    department_name,
    end_sessions_of,
    find_account,
    forget_credentials,
    list_users,
    reactivate_user,
    reset_password,
    set_department,
)

__all__ = [
    "DEFAULT_TOKEN_DAYS",
    "MAX_TOKEN_DAYS",
    "MIN_PASSWORD",
    "NOT_A_DEMO",
    "Account",
    "AccountRow",
    "NewToken",
    "SignInResult",
    "TokenInfo",
    "TokenInput",
    "account_for_session",
    "account_for_token",
    "account_row",
    "accounts_overview",
    "actor_of",
    "authenticate",
    "change_own_password",
    "check_repeated",
    "create_token",
    "create_user",
    "deactivate_user",
    "department_choices",
    "demo_personas",
    "department_name",
    "end_session",
    "end_sessions_of",
    "find_account",
    "forget_credentials",
    "hash_password",
    "is_demo_workspace",
    "issue_api_token",
    "list_tokens",
    "list_users",
    "mark_demo_workspace",
    "new_session_token",
    "persona_for_sign_in",
    "reactivate_user",
    "reset_password",
    "revoke_token",
    "set_department",
    "sign_in",
    "start_session",
]
