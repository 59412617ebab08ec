from itsm.models.approvals import Approval, ApprovalPolicy, ApprovalStep, ApprovalTrack
from itsm.models.catalog import Category
from itsm.models.cmdb import ConfigurationItem, Service
from itsm.models.feeds import FeedToken
from itsm.models.notifications import NotificationLog
from itsm.models.numbering import NumberSequence
from itsm.models.people import Profile
from itsm.models.priority import PriorityMatrixCell
from itsm.models.sla import BusinessCalendar, Holiday, SlaPolicy, SlaTarget, WorkingHours
from itsm.models.teams import Team

__all__ = [
    "Approval",
    "ApprovalPolicy",
    "ApprovalStep",
    "ApprovalTrack",
    "BusinessCalendar",
    "Category",
    "FeedToken",
    "ConfigurationItem",
    "Holiday",
    "NotificationLog",
    "NumberSequence",
    "PriorityMatrixCell",
    "Profile",
    "Service",
    "SlaPolicy",
    "SlaTarget",
    "Team",
    "WorkingHours",
]
