"""The ORM classes of campaigns and follow-up (sales cycles, opportunities, tasks); see the
package's docstring."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Mapped

from rapport.storage import schema
from rapport.storage.tables._base import Base

# --- Campaigns ---------------------------------------------------------------------------


class CampaignStatus(Base):
    __table__ = schema.campaign_statuses
    code: Mapped[str]
    description: Mapped[str]


class Campaign(Base):
    __table__ = schema.campaigns
    no: Mapped[str]
    description: Mapped[str]
    starting_date: Mapped[dt.date | None]
    ending_date: Mapped[dt.date | None]
    salesperson_code: Mapped[str]
    status_code: Mapped[str]
    no_series: Mapped[str]


class CampaignEntry(Base):
    __table__ = schema.campaign_entries
    entry_no: Mapped[int]
    campaign_no: Mapped[str]
    description: Mapped[str]
    date: Mapped[dt.date | None]
    user_id: Mapped[str]
    segment_no: Mapped[str]
    canceled: Mapped[bool]
    salesperson_code: Mapped[str]
    register_no: Mapped[int]
    document_type: Mapped[str]


class CampaignTargetGroup(Base):
    __table__ = schema.campaign_target_groups
    type: Mapped[str]
    no: Mapped[str]
    campaign_no: Mapped[str]


# --- Follow-up ---------------------------------------------------------------------------


class SalesCycle(Base):
    __table__ = schema.sales_cycles
    code: Mapped[str]
    description: Mapped[str]
    blocked: Mapped[bool]


class Opportunity(Base):
    __table__ = schema.opportunities
    no: Mapped[str]
    description: Mapped[str]
    contact_id: Mapped[int | None]
    contact_company_no: Mapped[str]
    salesperson_code: Mapped[str]
    campaign_no: Mapped[str]
    segment_no: Mapped[str]
    segment_description: Mapped[str]
    sales_cycle_code: Mapped[str]
    creation_date: Mapped[dt.date | None]
    status: Mapped[str]


class Task(Base):
    __table__ = schema.tasks
    no: Mapped[str]
    type: Mapped[str]
    description: Mapped[str]
    date: Mapped[dt.date | None]
    contact_id: Mapped[int | None]
    contact_company_no: Mapped[str]
    salesperson_code: Mapped[str]
    campaign_no: Mapped[str]
    segment_no: Mapped[str]
    organizer_task_no: Mapped[str]
    system_task_type: Mapped[str]
    status: Mapped[str]
    closed: Mapped[bool]


class TaskAttendee(Base):
    __table__ = schema.task_attendees
    task_no: Mapped[str]
    line_no: Mapped[int]
    attendance_type: Mapped[str]
    attendee_type: Mapped[str]
    attendee_no: Mapped[str]
    send_invitation: Mapped[bool]
