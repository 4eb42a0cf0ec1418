from tests.factories import make_user


def test_smoke(person):
    drafter = make_user("drafter", "drafter", "王起草")
    me = person(drafter).log_in()
    me.shot("home")
    me.page.goto("/decision/")
    me.shot("list")
