"""The ORM classes, each mapped onto its table of `storage.schema` (SQLAlchemy 2's
declarative mapping with an imperative table), for the write paths that load, edit and add
one row at a time. The tables, their columns, indexes and constraints are defined once, in
`storage.schema`; the annotations here give the attributes their Python types. Reads and
set-based writes use the Core tables.

The classes live in one module per area (`setup`, `contacts`, `interactions`, `segments`,
`campaigns`) and are imported from this package as before (`from rapport.storage.tables
import SegmentHeader`, `t.Contact`). Mapping a class costs about 1.5 ms of start-up, so an
area is imported, and its classes mapped, only when one of its classes is first asked for:
an undo maps the dozen classes of the segments, not all 62 (SPEC §9, issue 15).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table

from rapport.storage import schema

# The names other modules import from here, defined with the tables.
from rapport.storage.schema import CODE as CODE
from rapport.storage.schema import FOLDED as FOLDED
from rapport.storage.schema import FOLDS as FOLDS
from rapport.storage.schema import NAMING as NAMING
from rapport.storage.schema import SHORT_CODE as SHORT_CODE
from rapport.storage.schema import TEXT as TEXT
from rapport.storage.schema import fold as fold
from rapport.storage.schema import folded as folded

# Each area's classes, in the order of their tables in the schema. A test checks that this
# names every class of every area module (tests/unit/test_tables_areas.py).
AREAS: dict[str, tuple[str, ...]] = {
    "_base": ("Base",),
    "setup": (
        "NumberSeries",
        "MarketingSetup",
        "Language",
        "Country",
        "Territory",
        "Salesperson",
        "User",
        "ApiToken",
        "AuditEntry",
        "Webhook",
        "OutboxEvent",
        "WebhookDelivery",
        "WebhookAttempt",
        "Job",
        "IdempotentRequest",
        "Salutation",
        "SalutationFormula",
        "OrganizationalLevel",
    ),
    "contacts": (
        "Contact",
        "ContactOptOut",
        "ContactAltAddress",
        "ContactAltAddressDateRange",
        "WebSource",
        "ContactWebSource",
        "IndustryGroup",
        "ContactIndustryGroup",
        "BusinessRelation",
        "ContactBusinessRelation",
        "MailingGroup",
        "ContactMailingGroup",
        "JobResponsibility",
        "ContactJobResponsibility",
        "ProfileQuestionnaire",
        "ProfileQuestionnaireLine",
        "Rating",
        "ContactProfileAnswer",
    ),
    "interactions": (
        "Attachment",
        "InteractionGroup",
        "InteractionTemplate",
        "InteractionTemplateLanguage",
        "InteractionLogEntry",
        "Delivery",
    ),
    "segments": (
        "SegmentHeader",
        "ContactChange",
        "ChangeReader",
        "SegmentException",
        "SegmentLiftedException",
        "SegmentDependency",
        "SegmentLine",
        "SegmentCriteriaLine",
        "SavedSegmentCriteria",
        "SavedSegmentCriteriaLine",
        "SegmentInteractionLanguage",
        "LoggedSegment",
    ),
    "campaigns": (
        "CampaignStatus",
        "Campaign",
        "CampaignEntry",
        "CampaignTargetGroup",
        "SalesCycle",
        "Opportunity",
        "Task",
        "TaskAttendee",
    ),
}
_HOME = {name: area for area, names in AREAS.items() for name in names}


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed for insert/update/delete statements."""
    return cast(Table, model.__table__)


def length_of(model: type[Base], name: str) -> int | None:
    """The most characters the text or code column `name` of `model` holds (None: any),
    the one declaration of a field's length that the domain rule `TEXT_LENGTH` checks."""
    return schema.column_length(table_of(model), name)


if TYPE_CHECKING:
    from rapport.storage.tables._base import Base as Base
    from rapport.storage.tables.campaigns import (
        Campaign as Campaign,
    )
    from rapport.storage.tables.campaigns import (
        CampaignEntry as CampaignEntry,
    )
    from rapport.storage.tables.campaigns import (
        CampaignStatus as CampaignStatus,
    )
    from rapport.storage.tables.campaigns import (
        CampaignTargetGroup as CampaignTargetGroup,
    )
    from rapport.storage.tables.campaigns import (
        Opportunity as Opportunity,
    )
    from rapport.storage.tables.campaigns import (
        SalesCycle as SalesCycle,
    )
    from rapport.storage.tables.campaigns import (
        Task as Task,
    )
    from rapport.storage.tables.campaigns import (
        TaskAttendee as TaskAttendee,
    )
    from rapport.storage.tables.contacts import (
        BusinessRelation as BusinessRelation,
    )
    from rapport.storage.tables.contacts import (
        Contact as Contact,
    )
    from rapport.storage.tables.contacts import (
        ContactAltAddress as ContactAltAddress,
    )
    from rapport.storage.tables.contacts import (
        ContactAltAddressDateRange as ContactAltAddressDateRange,
    )
    from rapport.storage.tables.contacts import (
        ContactBusinessRelation as ContactBusinessRelation,
    )
    from rapport.storage.tables.contacts import (
        ContactIndustryGroup as ContactIndustryGroup,
    )
    from rapport.storage.tables.contacts import (
        ContactJobResponsibility as ContactJobResponsibility,
    )
    from rapport.storage.tables.contacts import (
        ContactMailingGroup as ContactMailingGroup,
    )
    from rapport.storage.tables.contacts import (
        ContactOptOut as ContactOptOut,
    )
    from rapport.storage.tables.contacts import (
        ContactProfileAnswer as ContactProfileAnswer,
    )
    from rapport.storage.tables.contacts import (
        ContactWebSource as ContactWebSource,
    )
    from rapport.storage.tables.contacts import (
        IndustryGroup as IndustryGroup,
    )
    from rapport.storage.tables.contacts import (
        JobResponsibility as JobResponsibility,
    )
    from rapport.storage.tables.contacts import (
        MailingGroup as MailingGroup,
    )
    from rapport.storage.tables.contacts import (
        ProfileQuestionnaire as ProfileQuestionnaire,
    )
    from rapport.storage.tables.contacts import (
        ProfileQuestionnaireLine as ProfileQuestionnaireLine,
    )
    from rapport.storage.tables.contacts import (
        Rating as Rating,
    )
    from rapport.storage.tables.contacts import (
        WebSource as WebSource,
    )
    from rapport.storage.tables.interactions import (
        Attachment as Attachment,
    )
    from rapport.storage.tables.interactions import (
        Delivery as Delivery,
    )
    from rapport.storage.tables.interactions import (
        InteractionGroup as InteractionGroup,
    )
    from rapport.storage.tables.interactions import (
        InteractionLogEntry as InteractionLogEntry,
    )
    from rapport.storage.tables.interactions import (
        InteractionTemplate as InteractionTemplate,
    )
    from rapport.storage.tables.interactions import (
        InteractionTemplateLanguage as InteractionTemplateLanguage,
    )
    from rapport.storage.tables.segments import (
        ChangeReader as ChangeReader,
    )
    from rapport.storage.tables.segments import (
        ContactChange as ContactChange,
    )
    from rapport.storage.tables.segments import (
        LoggedSegment as LoggedSegment,
    )
    from rapport.storage.tables.segments import (
        SavedSegmentCriteria as SavedSegmentCriteria,
    )
    from rapport.storage.tables.segments import (
        SavedSegmentCriteriaLine as SavedSegmentCriteriaLine,
    )
    from rapport.storage.tables.segments import (
        SegmentCriteriaLine as SegmentCriteriaLine,
    )
    from rapport.storage.tables.segments import (
        SegmentDependency as SegmentDependency,
    )
    from rapport.storage.tables.segments import (
        SegmentException as SegmentException,
    )
    from rapport.storage.tables.segments import (
        SegmentHeader as SegmentHeader,
    )
    from rapport.storage.tables.segments import (
        SegmentInteractionLanguage as SegmentInteractionLanguage,
    )
    from rapport.storage.tables.segments import (
        SegmentLiftedException as SegmentLiftedException,
    )
    from rapport.storage.tables.segments import (
        SegmentLine as SegmentLine,
    )
    from rapport.storage.tables.setup import (
        ApiToken as ApiToken,
    )
    from rapport.storage.tables.setup import (
        AuditEntry as AuditEntry,
    )
    from rapport.storage.tables.setup import (
        Country as Country,
    )
    from rapport.storage.tables.setup import (
        IdempotentRequest as IdempotentRequest,
    )
    from rapport.storage.tables.setup import (
        Job as Job,
    )
    from rapport.storage.tables.setup import (
        Language as Language,
    )
    from rapport.storage.tables.setup import (
        MarketingSetup as MarketingSetup,
    )
    from rapport.storage.tables.setup import (
        NumberSeries as NumberSeries,
    )
    from rapport.storage.tables.setup import (
        OrganizationalLevel as OrganizationalLevel,
    )
    from rapport.storage.tables.setup import (
        OutboxEvent as OutboxEvent,
    )
    from rapport.storage.tables.setup import (
        Salesperson as Salesperson,
    )
    from rapport.storage.tables.setup import (
        Salutation as Salutation,
    )
    from rapport.storage.tables.setup import (
        SalutationFormula as SalutationFormula,
    )
    from rapport.storage.tables.setup import (
        Territory as Territory,
    )
    from rapport.storage.tables.setup import (
        User as User,
    )
    from rapport.storage.tables.setup import (
        Webhook as Webhook,
    )
    from rapport.storage.tables.setup import (
        WebhookAttempt as WebhookAttempt,
    )
    from rapport.storage.tables.setup import (
        WebhookDelivery as WebhookDelivery,
    )
else:

    def __getattr__(name: str) -> Any:
        """A class, its area imported (and its classes mapped) the first time one is asked
        for (PEP 562)."""
        area = _HOME.get(name)
        if area is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # __import__, not importlib.import_module: `python -X importtime` reports it.
        module = f"{__name__}.{area}"
        __import__(module)
        value = getattr(sys.modules[module], name)
        globals()[name] = value
        return value
