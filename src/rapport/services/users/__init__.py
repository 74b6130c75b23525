"""Users, API tokens and the audit log (SPEC §7, §10).

Use cases, by module:
- `accounts`: add_user, set_password, set_role, disable, get, get_all, sign_in
- `tokens`: create_token, get_all, revoke, user_for_token
- `audit`: get_all (the entries are written by the use cases that change what is audited)

Passwords are argon2id hashes (argon2-cffi); a token is 32 random bytes shown once and
stored as its SHA-256. User names compare case-insensitively.
"""
