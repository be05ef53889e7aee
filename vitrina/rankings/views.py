"""The rating's public pages: the top list with its filters, an account's workings, the methodology.

Signed-out visitors see them too. Filters come from GET; an unknown value is shown as a form error
and left out of the filter, never a failure.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from vitrina.accounts.models import BusinessCategory
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.rankings import formula, selectors
from vitrina.rankings.models import Band
from vitrina.rankings.workings import flags_raised, workings


@require_GET
def top(request):
    filters, errors = selectors.filters_parse(category=request.GET.get("category"), city=request.GET.get("city"),
                                              band=request.GET.get("band"))
    run = selectors.latest_run()
    try:
        page = selectors.top(viewer=request.user, run=run, filters=filters, cursor=request.GET.get("cursor"),
                             limit=20)
    except InvalidCursor:
        return redirect(request.path)
    query = {name: value for name, value in vars(filters).items() if value}
    return render(request, "rankings/top.html", {
        "run": run, "page": page, "filters": filters, "errors": errors, "query": query,
        "categories": BusinessCategory.choices, "bands": Band.choices, "cities": selectors.cities(viewer=request.user, run=run),
    })


@require_GET
@not_found_as_404
def account(request, username: str):
    run = selectors.latest_run()
    score = selectors.score_of(viewer=request.user, run=run, username=username)
    return render(request, "rankings/account.html", {
        "run": run, "score": score, "person": score.account, "components": workings(score),
        "flags": flags_raised(score),
    })


@require_GET
def methodology(request):
    components = [{"name": name, "label": formula.COMPONENT_LABELS[name], "weight": round(weight * 100),
                   "text": formula.component_text(name),
                   "terms": [term for term in formula.INPUTS if term.component == name]}
                  for name, weight in formula.WEIGHTS.items()]
    return render(request, "rankings/methodology.html", {
        "version": formula.FORMULA_VERSION, "components": components, "bands": Band.choices,
        "numbers": formula.NUMBERS,
    })
