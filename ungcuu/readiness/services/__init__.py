"""Readiness services; every write of the app goes through one of these functions."""

from ungcuu.readiness.services.certificates import (
    RENEWAL_STEPS,
    certificate_read,
    certificate_save,
    warning_level,
)
from ungcuu.readiness.services.checks import (
    check_item_save,
    check_missed,
    check_record,
    checklist,
    policy_for,
    today_check,
)
from ungcuu.readiness.services.common import is_checker, is_keeper
from ungcuu.readiness.services.drills import (
    drill_cancel,
    drill_end,
    drill_evaluate,
    drill_incidents,
    drill_running,
    drill_schedule,
    drill_start,
)
from ungcuu.readiness.services.equipment import equipment_link, equipment_save, equipment_tested
from ungcuu.readiness.services.reminders import (
    center_reminders,
    password_reminder,
    reminders_send,
)
from ungcuu.readiness.services.supplies import stock_move, supplies_for_incident, supply_save
from ungcuu.readiness.services.supply_report import (
    may_report_usage,
    period_choices,
    supply_usage,
    supply_usage_xlsx,
    usage_period,
)
from ungcuu.readiness.services.training import (
    guide_topic,
    may_record_training,
    trained_on_duty,
    training_record,
    untrained_topics,
)

__all__ = [
    "RENEWAL_STEPS",
    "center_reminders",
    "certificate_read",
    "certificate_save",
    "check_item_save",
    "check_missed",
    "check_record",
    "checklist",
    "drill_cancel",
    "drill_end",
    "drill_evaluate",
    "drill_incidents",
    "drill_running",
    "drill_schedule",
    "drill_start",
    "equipment_link",
    "equipment_save",
    "equipment_tested",
    "guide_topic",
    "is_checker",
    "is_keeper",
    "may_record_training",
    "password_reminder",
    "policy_for",
    "reminders_send",
    "stock_move",
    "supplies_for_incident",
    "supply_save",
    "supply_usage",
    "supply_usage_xlsx",
    "usage_period",
    "may_report_usage",
    "period_choices",
    "today_check",
    "trained_on_duty",
    "training_record",
    "untrained_topics",
    "warning_level",
]
