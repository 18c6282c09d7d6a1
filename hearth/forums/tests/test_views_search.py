"""The search page: results newest first, with links to the previous and next pages and no count."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hearth.core.testing.factories import make_thread
from hearth.forums import selectors, views


def search(client, query: str, page: int | None = None) -> str:
    params = {"q": query, **({"page": page} if page else {})}
    response = client.get(reverse("forums:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def nav(html: str) -> str | None:
    found = re.search(r'<nav class="pagination" aria-label="Pages">.*?</nav>', html, re.S)
    return found.group(0) if found else None


@pytest.fixture(autouse=True)
def two_a_page(settings):
    settings.HEARTH_PAGE_SIZE = 2


@pytest.mark.django_db
class TestSearchPage:
    def test_a_next_link_appears_only_when_a_further_result_exists(self, member_client, community):
        for i in range(2):
            make_thread(community, title=f"Garden {i}", body="The garden.")
        assert nav(search(member_client, "garden")) is None

        make_thread(community, title="Garden 2", body="The garden.")
        first = nav(search(member_client, "garden"))
        assert first is not None
        assert '<a href="?page=2&amp;q=garden" rel="next">Next page</a>' in first
        assert 'rel="prev"' not in first
        assert "<span>Page 1</span>" in first  # no total: matches are not counted

        second = nav(search(member_client, "garden", page=2))
        assert second is not None
        assert '<a href="?page=1&amp;q=garden" rel="prev">Previous page</a>' in second
        assert 'rel="next"' not in second

    def test_a_page_past_the_last_says_so_and_links_to_the_first(self, member_client, community):
        make_thread(community, title="Garden", body="The garden.")
        html = search(member_client, "garden", page=9)
        assert "No more results: this page is past the last one." in html
        assert '<a href="?q=garden">Back to the first page of results</a>' in html
        assert nav(html) is None
        assert "Nothing found" not in html

    def test_a_search_that_finds_nothing_says_so(self, member_client, community):
        html = search(member_client, "kayak")
        assert "Nothing found. Try fewer or different words." in html
        assert nav(html) is None

    def test_the_last_page_within_the_limit_says_more_posts_match(self, member_client, community, monkeypatch):
        monkeypatch.setattr(selectors, "SEARCH_RESULT_LIMIT", 2)
        monkeypatch.setattr(views, "SEARCH_RESULT_LIMIT", 2)
        for i in range(3):
            make_thread(community, title=f"Garden {i}", body="The garden.")
        html = search(member_client, "garden")
        assert "Search shows the newest 2 posts that hold these words. Add a word to narrow it." in html
        assert nav(html) is None

    def test_the_page_and_the_api_take_queries_of_the_same_length(self, member_client, community):
        make_thread(community, title="Garden", body="The garden.")
        longest = "garden " + "x" * 193  # 200 characters
        assert len(longest) == 200
        html = search(member_client, longest)
        assert "Nothing found" in html  # searched, not refused
        assert member_client.get("/api/v1/search", {"q": longest}).status_code == 200
        too_long = longest + "x"
        page = member_client.get(reverse("forums:search"), {"q": too_long}).content.decode()
        assert "Ensure this value has at most 200 characters" in page
        assert member_client.get("/api/v1/search", {"q": too_long}).status_code == 422
