from flask_babel import lazy_gettext as _l

from kmportal.enums import LabelledEnum
from kmportal.languages import LANGUAGE_NAMES  # noqa: F401  (imported from here by search)


class Theme(LabelledEnum):
    PETI = "peti", _l("Prevention and eradication of child labour (PETI)")
    PTAP = "ptap", _l("Protection of adolescent workers (PTAP)")
    BOTH = "both", _l("PETI and PTAP")


class Sector(LabelledEnum):
    AGRICULTURE = "agriculture", _l("Agriculture")
    MINING = "mining", _l("Mining")
    DOMESTIC_WORK = "domestic_work", _l("Domestic work")
    FISHING = "fishing", _l("Fishing")
    URBAN_INFORMAL = "urban_informal", _l("Urban informal work")
    MANUFACTURING = "manufacturing", _l("Manufacturing")
    COMMERCE = "commerce", _l("Commerce")
    CONSTRUCTION = "construction", _l("Construction")
    TOURISM = "tourism", _l("Tourism")
    OTHER = "other", _l("Other sectors")


class StrategicOutcome(LabelledEnum):
    PREVENTION = "prevention", _l("Prevention")
    WITHDRAWAL = "withdrawal", _l("Withdrawal of children under the minimum age")
    ADOLESCENT_PROTECTION = (
        "adolescent_protection",
        _l("Protection of adolescents in permitted work, out of hazardous work"),
    )
    WORST_FORMS = "worst_forms", _l("Ending the worst forms of child labour")


class Actor(LabelledEnum):
    GOVERNMENT = "government", _l("Government")
    EMPLOYERS = "employers", _l("Employers")
    WORKERS = "workers", _l("Workers")
    OTHER = "other", _l("Other actors")


class Criterion(LabelledEnum):
    """The ILO good-practice criteria a practice is argued and scored against."""

    INNOVATIVE = "innovative", _l("Innovative")
    EFFECTIVE = "effective", _l("Effective")
    REPLICABLE = "replicable", _l("Replicable")
    SUSTAINABLE = "sustainable", _l("Sustainable")
    RELEVANT = "relevant", _l("Relevant")
    RESPONSIVE_ETHICAL = "responsive_ethical", _l("Responsive and ethical")
    EFFICIENT = "efficient", _l("Efficient")


class PracticeState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted for validation")
    RETURNED = "returned", _l("Returned with comments")
    PUBLISHED = "published", _l("Published")
    ARCHIVED = "archived", _l("Archived")


class Label(LabelledEnum):
    GOOD = "good", _l("Good practice")
    PROMISING = "promising", _l("Promising practice")


class Facet(LabelledEnum):
    """The multi-valued classifications of a practice, stored as rows of practice_facet."""

    SECTOR = "sector", _l("Sector")
    OUTCOME = "outcome", _l("Strategic outcome")
    ACTOR = "actor", _l("Actors involved")
    LANGUAGE = "language", _l("Languages")
    TAG = "tag", _l("Tags")


class EditStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for review")
    ACCEPTED = "accepted", _l("Accepted")
    REJECTED = "rejected", _l("Rejected")
