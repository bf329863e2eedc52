from yunying.editorial.choices import State
from yunying.editorial.tests.helpers import make_item, walk


def test_an_article_walks_from_collected_to_scheduled(world, db):
    item = make_item(world)
    item = walk(world, item, State.SCHEDULED)
    assert item.state == State.SCHEDULED
    assert item.approved_version == 1
    assert item.changes.count() == 7
