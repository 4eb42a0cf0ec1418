import os

import pytest
from django.db import connection

from .factories import make_user


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL, those marked ``broker`` also Redis; without
    them they are skipped, saying why."""
    from django.conf import settings

    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    skip_postgres = pytest.mark.skip(
        reason="needs PostgreSQL (set DATABASE_URL): database triggers and composite "
               "constraints are PostgreSQL features")
    skip_broker = pytest.mark.skip(
        reason="needs a Celery worker on Redis and PostgreSQL (set REDIS_URL and DATABASE_URL)"
        + ("" if on_postgres else ": the database is not PostgreSQL")
        + ("" if os.environ.get("REDIS_URL") else ": REDIS_URL is not set"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_postgres)
        if "broker" in item.keywords and not (on_postgres and os.environ.get("REDIS_URL")):
            item.add_marker(skip_broker)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def people(db):
    """One user per role, plus a second member and a second of the roles tests contrast."""
    return {
        "drafter": make_user("drafter", "drafter", "王起草"),
        "drafter2": make_user("drafter2", "drafter", "赵起草"),
        "office": make_user("office", "office", "李办公"),
        "reviewer": make_user("reviewer", "reviewer", "张审查"),
        "reviewer2": make_user("reviewer2", "reviewer", "钱审查"),
        "counsel": make_user("counsel", "counsel", "林律师"),
        "counsel2": make_user("counsel2", "counsel", "许律师"),
        "expert": make_user("expert", "expert", "陈专家"),
        "expert2": make_user("expert2", "expert", "周专家"),
        "risk_assessor": make_user("risk_assessor", "risk_assessor", "吴评估"),
        "member": make_user("member", "member", "郑委员"),
        "member2": make_user("member2", "member", "冯委员"),
        "secretary": make_user("secretary", "secretary", "孙秘书"),
        "head": make_user("head", "head", "刘书记"),
        "auditor": make_user("auditor", "auditor", "何审计"),
    }


@pytest.fixture
def api(db):
    """The API's users provisioned with add_user, one token per role (tests/api.py)."""
    from .api import Api, provision

    provision()
    return Api()
