"""Record versions of a segment header or line (SPEC §7, issue 12 item 6): the digest of
the record's stored values that a later change names, as every edited record has them
(`services/_versions.py`)."""

from __future__ import annotations

from rapport.services._versions import Versioned, check_version, version_of

__all__ = ["Versioned", "check_version", "version_of"]
