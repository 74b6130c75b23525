"""Work the server does beside its requests, in threads it starts and stops with the app:
running jobs one at a time, sending the webhooks' outbox and refreshing the dynamic segments
whose schedule is due (X4). A stop lets the current round
finish; what is left stays in the database and is picked up by the next start (nothing is
held only in memory)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from rapport.server.context import ServerContext
from rapport.services.jobs import files as job_files
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.services.segments import dynamic
from rapport.services.webhooks import dispatch

log = logging.getLogger("rapport.server")


class Loop:
    """Runs `work` every `interval` seconds in a thread until stopped; `wake` runs it now."""

    def __init__(self, name: str, work: Callable[[], object], *, interval: float) -> None:
        self.name, self.work, self.interval = name, work, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.work()
            except Exception:
                log.exception("background work %s failed; it runs again", self.name)
            self._wake.wait(self.interval)
            self._wake.clear()


def webhook_loop(ctx: ServerContext, *, interval: float = 1.0) -> Loop:
    backoff = ctx.settings.webhook_backoff
    return Loop(
        "webhooks",
        lambda: dispatch.send_due(ctx.sessions, backoff=backoff),
        interval=interval,
    )


def job_loop(ctx: ServerContext, *, interval: float = 1.0) -> Loop:
    """Runs queued jobs; jobs that were running when the server last stopped are queued
    again first. Each round also removes the export files whose retention is over."""
    kinds = runners(ctx.settings)
    jobs.resume_interrupted(ctx.sessions)

    def drain() -> None:
        while jobs.run_next(ctx.sessions, kinds):
            pass
        job_files.remove_expired(ctx.sessions, ctx.settings)

    return Loop("jobs", drain, interval=interval)


SERVER_USER = "RAPPORT"  # the user a scheduled refresh is recorded under


def accelerator_loop(ctx: ServerContext, *, interval: float = 60.0) -> Loop | None:
    """X2: builds the preview accelerator, then writes its watermark back and prunes the
    change sequence every `interval` seconds; None when the server keeps no accelerator."""
    accelerator = ctx.accelerator
    if accelerator is None:
        return None

    def keep() -> None:
        if accelerator.index is None and not accelerator.building:
            accelerator.build()
        accelerator.heartbeat()

    return Loop("accelerator", keep, interval=interval)


def refresh_loop(ctx: ServerContext, *, interval: float = 60.0) -> Loop:
    """X4: refreshes the dynamic segments whose `refresh_every` has come round, in
    dependency order; one that fails is logged and tried again at the next round."""

    def refresh_due() -> None:
        for outcome in dynamic.refresh_all(ctx.sessions, user=SERVER_USER, only_due=True):
            if outcome.error:
                log.warning("refresh of segment %s failed: %s", outcome.segment, outcome.error)

    return Loop("refreshes", refresh_due, interval=interval)
