"""Enam Peran Bakti: the indicator catalogue, scoring, classification and recaps.

Rules (domain.md): each of the six roles is assessed with yes/no indicators; a
role is fulfilled when at least ``threshold_percent`` of its indicators are met;
the number of fulfilled roles gives the classification (Dasar, Berkembang,
Mandiri) through the rule table. Both the catalogue and the rule table are
versioned: an edit makes a new version, and an assessment keeps the catalogue
version it was made with and records the rule version it was scored with.

Everything returns plain frozen dataclasses so that the screen, the reports
(assessment sheet, Rekap Peran Bakti) and the command line share one source.

The package, lowest first: ``periods`` (months and quarters), ``scoring`` (the
six roles, the rule, ``score``), ``versions`` (catalogue and rule versions),
``assessments`` (sheets, saving, a unit's history, evidence), ``recap``,
``gaps`` (from gap to action) and ``demo``. Every public name is re-exported
here, so ``from imp_desktop.services import roles; roles.recap(...)`` is the way
to call it; a module inside imports its siblings by their full names.
"""
from imp_desktop.services.roles.periods import (  # noqa: F401
    Period,
    month_period,
    parse_period,
    quarter_period,
    recent_periods,
)
from imp_desktop.services.roles.scoring import (  # noqa: F401
    BERKEMBANG,
    CLASSIFICATIONS,
    DASAR,
    MANDIRI,
    ROLE_CODES,
    RoleScore,
    Rule,
    Score,
    classification_label,
    role_name,
    role_number,
    score,
)
from imp_desktop.services.roles.versions import (  # noqa: F401
    CATALOGUE_IN_USE,
    MAX_INDICATORS,
    MIN_INDICATORS,
    RULE_IN_USE,
    Catalogue,
    CatalogueVersion,
    Indicator,
    IndicatorDraft,
    RoleIndicators,
    catalogue_versions,
    check_catalogue_draft,
    check_rule,
    current_catalogue,
    current_rule,
    drafts_of,
    get_catalogue,
    get_rule,
    rule_versions,
    save_catalogue,
    save_rule,
    use_catalogue,
    use_rule,
)
from imp_desktop.services.roles.assessments import (  # noqa: F401
    AnswerInput,
    AssessmentInput,
    AssessmentSheet,
    HistoryPoint,
    PreviousAnswers,
    SheetLine,
    SheetRole,
    UnitStatus,
    activities_available,
    activity_choices,
    assessed_periods,
    assessment_records,
    blank_sheet,
    delete_assessment,
    evidence_titles,
    find_assessment,
    get_assessment,
    new_sheet,
    previous_answers,
    save_assessment,
    unit_history,
    unit_statuses,
    units_not_assessed_since,
)
from imp_desktop.services.roles.recap import (  # noqa: F401
    Recap,
    RecapRow,
    RecapUnit,
    RoleRecap,
    UnmetIndicator,
    desa_choices,
    latest_period,
    period_choices,
    recap,
    recap_scopes,
)
from imp_desktop.services.roles.gaps import (  # noqa: F401
    Gap,
    create_coaching_activity,
    gap_agenda,
    weakest_roles,
)
from imp_desktop.services.roles.demo import (  # noqa: F401
    demo_assessments,
)
