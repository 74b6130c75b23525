"""The delivery side of a log (L3): the settings a delivery needs, checked inside the log's
transaction so that a log that could not be delivered is refused, and the delivery run once
the log has committed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from rapport.domain.enums import CorrespondenceType
from rapport.errors import DeliveryFailed, RapportError
from rapport.settings import Settings
from rapport.storage import schema

if TYPE_CHECKING:
    from rapport.services.delivery.queue import DeliveryResult
    from rapport.storage.db import Db, Sessions

Progress = Callable[[int, int], None]
entries = schema.interaction_log_entries
deliveries = schema.deliveries


def run_delivery(
    sessions: Sessions,
    entry_no: int,
    *,
    settings: Settings | None,
    output_dir: Path | None,
    on_progress: Progress | None = None,
) -> DeliveryResult:
    """Deliver the queued entries of logged segment `entry_no`; the log stays whatever
    happens here, and a failure says how to resend."""
    from rapport.services.delivery import queue as delivery

    try:
        return delivery.deliver(
            sessions,
            logged_segment_entry_no=entry_no,
            settings=settings or Settings.load(),
            output_dir=output_dir,
            on_progress=on_progress,
        )
    except RapportError as exc:
        raise DeliveryFailed(entry_no, exc) from exc


def check_delivery_settings(
    session: Db,
    entry_no: int,
    settings: Settings,
    output_dir: Path | None = None,
    *,
    status: str | None = None,
) -> None:
    """E-mail to deliver needs an SMTP server and a sender, hard copies a folder that takes
    new files: without them the log (or the resend) is refused and rolled back, not left to
    fail. The queue's channels are read from all its rows, or those in `status`."""
    from rapport.services.delivery.output import DEFAULT_OUTPUT, mail_settings
    from rapport.services.transfer.files import check_output_folder

    mine = [
        deliveries.c.entry_no == entries.c.entry_no,
        entries.c.logged_segment_entry_no == entry_no,
    ]
    if status is not None:
        mine.append(deliveries.c.status == status)
    channels = set(session.scalars(select(deliveries.c.channel).distinct().where(*mine)))
    if CorrespondenceType.EMAIL.value in channels:
        mail_settings(settings)
    if CorrespondenceType.HARD_COPY.value in channels:
        check_output_folder(output_dir or DEFAULT_OUTPUT)
