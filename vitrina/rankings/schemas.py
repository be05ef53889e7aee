from datetime import datetime

from ninja import Schema

from vitrina.core.pagination import PageParams
from vitrina.media.images import url_of
from vitrina.rankings import formula
from vitrina.rankings.models import AccountScore


class RankingParams(PageParams):
    category: str | None = None
    city: str | None = None
    band: str | None = None


class InputOut(Schema):
    name: str
    component: str
    value: float | None  # None: not enough data
    percentile: float | None
    higher_is_better: bool
    flagged: bool | None  # None for a term without a flag


class RankingOut(Schema):
    username: str
    display_name: str
    avatar_url: str
    category: str
    city: str
    band: str
    followers: int
    score: float | None
    rank: int | None
    group_rank: int | None
    group_size: int
    components: dict[str, float | None]
    flags: dict[str, bool]
    review_count: int
    posts_counted: int
    inputs: list[InputOut]


class RunOut(Schema):
    formula_version: str
    finished_at: datetime | None


class RankingList(Schema):
    items: list[RankingOut]
    next_cursor: str | None
    run: RunOut | None


class RankingDetail(RankingOut):
    run: RunOut


def ranking_data(score: AccountScore) -> dict:
    account = score.account
    return {
        "username": account.username, "display_name": account.display_name, "avatar_url": url_of(account.avatar),
        "category": score.category, "city": score.city, "band": score.band, "followers": score.followers,
        "score": score.score, "rank": score.rank, "group_rank": score.group_rank, "group_size": score.group_size,
        "components": {name: getattr(score, f"{name}_score") for name in formula.WEIGHTS},
        "flags": {field: getattr(score, field) for field in formula.FLAGS.values()},
        "review_count": score.review_count, "posts_counted": score.posts_counted,
        "inputs": [{"name": term.name, "component": term.component, "value": getattr(score, term.name),
                    "percentile": getattr(score, f"{term.name}_pct"), "higher_is_better": term.higher_is_better,
                    "flagged": getattr(score, formula.FLAGS[term.name]) if term.name in formula.FLAGS else None}
                   for term in formula.INPUTS],
    }
