"""A script written against the Python client generated from
openapi/openapi.json (never edited by hand): what a newcomer's script does.

Logs in, creates a draft article and publishes it, finds it in the list an
anonymous reader sees, counts a visit to get a visitor id, rates the
article. Every answer is parsed by the generated models, so a response that
strays from the document fails here.

Usage: python client_smoke.py BASE_URL USERNAME PASSWORD
"""

import sys
import uuid

from bantin_client import AuthenticatedClient, Client
from bantin_client.api.articles import create_article, get_article, list_articles, update_article
from bantin_client.api.auth import login, me
from bantin_client.api.engagement import rate, record_visit
from bantin_client.models import (
    ArticleCreate,
    ArticleInput,
    ArticleStatus,
    ArticleView,
    LoginRequest,
    PagedArticleView,
    Problem,
    RatingInput,
    RatingSummary,
    TokenPair,
    VisitAck,
)


def expect(value, kind, what):
    if not isinstance(value, kind):
        raise SystemExit(f"{what}: expected {kind.__name__}, got {value!r}")
    return value


def main(base_url: str, username: str, password: str) -> None:
    # Anonymous calls: the document allows them (`security: [{}, …]`); the
    # generated functions are typed for the authenticated client, and the
    # plain one serves them the same.
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    tokens = expect(
        login.sync(client=anonymous, body=LoginRequest(username=username, password=password)),
        TokenPair,
        "login",
    )
    editor = AuthenticatedClient(base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True)
    whoami = me.sync(client=editor)
    print(f"logged in as {whoami.username} ({whoami.role})")

    # A wrong password is a Problem with its stable code, not an exception.
    refused = login.sync(client=anonymous, body=LoginRequest(username=username, password="sai-mat-khau-roi"))
    expect(refused, Problem, "a wrong password")
    assert refused.code == "invalid_credentials", refused

    title = f"Hội nghị giao ban quý IV năm 2026 ({uuid.uuid4().hex[:8]})"
    draft = expect(
        create_article.sync(
            client=editor,
            body=ArticleCreate(
                title=title,
                summary="Thường trực Thị ủy tổ chức hội nghị giao ban với các phường, xã.",
                body="<p>Sáng nay, Thường trực Thị ủy đã tổ chức hội nghị giao ban…</p>",
                tags=["Giao ban"],
            ),
            idempotency_key=str(uuid.uuid4()),
        ),
        ArticleView,
        "create",
    )
    assert draft.status == ArticleStatus.DRAFT, draft.status
    print(f"created draft {draft.id} ({draft.slug})")

    # Not yet public: an anonymous reader gets a 404 Problem.
    hidden = get_article.sync(str(draft.id), client=anonymous)
    expect(hidden, Problem, "a draft read anonymously")

    published = expect(
        update_article.sync(str(draft.id), client=editor, body=ArticleInput(status=ArticleStatus.PUBLISHED)),
        ArticleView,
        "publish",
    )
    assert published.status == ArticleStatus.PUBLISHED and published.published_at is not None, published
    print(f"published at {published.published_at.isoformat()}")

    page = expect(list_articles.sync(client=anonymous, limit=10), PagedArticleView, "list")
    listed = [item for item in page.data if item.id == draft.id]
    assert listed and listed[0].title == title, [item.title for item in page.data]
    print(f"listed: {len(page.data)} articles on the first page, ours among them")

    visit = expect(record_visit.sync(client=anonymous), VisitAck, "visit")
    summary = expect(
        rate.sync(draft.slug, client=anonymous, body=RatingInput(score=5), x_visitor_id=visit.visitor_id),
        RatingSummary,
        "rate",
    )
    assert summary.count == 1 and summary.average == 5, summary
    again = expect(
        rate.sync(draft.slug, client=anonymous, body=RatingInput(score=4), x_visitor_id=visit.visitor_id),
        RatingSummary,
        "rate again",
    )
    assert again.count == 1 and again.average == 4, again
    print("rated: one visitor, one rating, the second replacing the first")

    bad = rate.sync(draft.slug, client=anonymous, body=RatingInput(score=9), x_visitor_id=visit.visitor_id)
    expect(bad, Problem, "a rating of 9")
    assert bad.code == "validation_failed", bad
    print("the generated client works")


if __name__ == "__main__":
    main(*sys.argv[1:4])
