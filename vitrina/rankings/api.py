"""The rating in the native API (shared/API.md, Insights and rating): public, signed-out callers too."""

from ninja import Query, Router

from vitrina.accounts.auth import OPTIONAL, viewer_of
from vitrina.rankings import selectors
from vitrina.rankings.schemas import RankingDetail, RankingList, RankingParams, ranking_data

router = Router(tags=["rankings"])


def _run(run) -> dict | None:
    return {"formula_version": run.formula_version, "finished_at": run.finished_at} if run else None


@router.get("/rankings", response=RankingList, auth=OPTIONAL)
def rankings(request, params: Query[RankingParams]):
    """The latest run's ranked business accounts, best first, with every input (422 for an unknown category
    or band; a city nobody is in gives an empty list)."""
    filters = selectors.filters_or_422(category=params.category, city=params.city, band=params.band)
    run = selectors.latest_run()
    page = selectors.top(viewer=viewer_of(request), run=run, filters=filters, cursor=params.cursor,
                         limit=params.limit)
    return {"items": [ranking_data(s) for s in page.items], "next_cursor": page.next_cursor, "run": _run(run)}


@router.get("/rankings/{username}", response=RankingDetail, auth=OPTIONAL)
def ranking(request, username: str):
    """One account's place and workings (404 when it is not in the rating or not listed for the caller)."""
    run = selectors.latest_run()
    score = selectors.score_of(viewer=viewer_of(request), run=run, username=username)
    return {**ranking_data(score), "run": _run(run)}
