"""Password hashing: argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1
lane), so a sign-in costs tens of milliseconds on a 2-core server (SPEC §10)."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """An argon2id hash with a random salt; a given `salt` (at least 8 bytes) makes it
    repeatable, for the demo company, whose rows are the same for the same seed."""
    if salt is None:
        return HASHER.hash(password)
    return hash_secret(
        password.encode(),
        salt,
        time_cost=HASHER.time_cost,
        memory_cost=HASHER.memory_cost,
        parallelism=HASHER.parallelism,
        hash_len=HASHER.hash_len,
        type=Type.ID,
    ).decode()


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with other parameters and should be made anew at sign-in."""
    return HASHER.check_needs_rehash(password_hash)
