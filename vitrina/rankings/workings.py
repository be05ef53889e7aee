"""An account's workings in the rating, term by term: what its page and the API show from its score row."""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vitrina.rankings import formula
from vitrina.rankings.models import AccountScore

FLAG_TEXTS = {
    "inactive_flag": gettext_lazy("Most followers have not been on Vitrina for a month."),
    "mass_followers_flag": gettext_lazy("Many followers follow thousands of accounts each."),
    "burst_or_empty_flag": gettext_lazy(
        "Many followers look bought: no posts and no photo, or signed up together in one hour."),
    "follow_spike_flag": gettext_lazy("Many followers arrived on a single day, far above the usual."),
}


@dataclass(frozen=True)
class InputLine:
    name: str
    label: str
    description: str
    value: float | None
    shown: str  # the value as the page shows it, or "not enough data"
    percentile: float | None
    flag: str | None  # the flag's field when the term has one
    flagged: bool


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    weight: float
    score: float | None
    text: str
    inputs: list[InputLine]


def shown(term: formula.Term, value: float | None, score: AccountScore) -> str:
    if value is None:
        return _("not enough data")
    if term.unit == "%":
        return f"{number_format(value * 100, 1)} %"
    if term.name == "review_average":
        return ngettext("%(average)s of 5 (%(count)s review)", "%(average)s of 5 (%(count)s reviews)",
                        score.review_count) % {"average": number_format(value, 1), "count": score.review_count}
    return number_format(value, 2)


def workings(score: AccountScore) -> list[Component]:
    components = []
    for name, weight in formula.WEIGHTS.items():
        lines = []
        for term in formula.INPUTS:
            if term.component != name:
                continue
            value = getattr(score, term.name)
            flag = formula.FLAGS.get(term.name)
            lines.append(InputLine(
                name=term.name, label=str(term.label), description=term.description(), value=value,
                shown=shown(term, value, score), percentile=getattr(score, f"{term.name}_pct"), flag=flag,
                flagged=bool(flag and getattr(score, flag))))
        components.append(Component(name=name, label=str(formula.COMPONENT_LABELS[name]), weight=weight,
                                    score=getattr(score, f"{name}_score"), text=formula.component_text(name),
                                    inputs=lines))
    return components


def flags_raised(score: AccountScore) -> list[tuple[str, str]]:
    """(flag field, plain explanation) of each audience flag raised on the account."""
    return [(flag, str(FLAG_TEXTS[flag])) for flag in formula.FLAGS.values() if getattr(score, flag)]
