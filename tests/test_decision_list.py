"""The decision list pages through many decisions and keeps its stage filter while paging."""

from .http_client import logged_in
from .test_query_counts import add_decisions


def test_decision_list_pages_keep_the_stage_filter(people):
    add_decisions(people, 80)  # 53 still at initiation
    client = logged_in(people["drafter"])
    html = client.get("/decision/?stage=initiation").content.decode()
    assert "?stage=initiation&amp;page=2" in html
    second = client.get("/decision/?stage=initiation&page=2").content.decode()
    assert "决策事项" in second and "?stage=initiation&amp;page=1" in second
    assert "?page=2" in client.get("/decision/").content.decode()
