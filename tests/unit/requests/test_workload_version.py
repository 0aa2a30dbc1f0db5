"""The workload version: raised by the database on every committed write to the requests, team membership, agencies
and jurisdictions, however written; and whether a transaction wrote (what it read may never be committed)."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from foia.accounts import services as accounts
from foia.accounts.models import TeamMembership
from foia.agencies.models import Agency, Jurisdiction
from foia.requests.models import FoiaRequest, Status
from foia.requests.workload_version import workload_version, wrote

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def fresh(runtime) -> int:
    with runtime.session() as reader:
        version = workload_version(reader)
    assert isinstance(version, int)
    return version


def test_every_committed_write_to_what_the_dashboard_reads_raises_it(runtime, session, make):
    owner, colleague = make.user(), make.user()
    team = make.team(members=[colleague])
    agency = make.agency()
    writes = [
        lambda: make.request(owner=owner, agency=agency),  # the ORM, each table
        lambda: session.add(TeamMembership(team_id=team.id, user_id=owner.id)),
        lambda: session.exec(sa.update(FoiaRequest).values(status=Status.submitted)),  # Core, in bulk
        lambda: session.exec(sa.update(Agency).where(Agency.id == agency.id).values(name="Orlando PD")),
        lambda: session.exec(sa.update(Jurisdiction).where(Jurisdiction.slug == "fl").values(timezone="America/Chicago")),
        lambda: session.exec(sa.delete(TeamMembership).where(TeamMembership.user_id == owner.id)),
        lambda: session.exec(sa.delete(FoiaRequest)),
    ]
    for write in writes:
        before = fresh(runtime)
        write()
        session.commit()
        assert fresh(runtime) > before
    with runtime.engine.begin() as connection:  # neither the ORM nor its session: another process
        before = fresh(runtime)
        connection.execute(sa.text("UPDATE agency SET name = 'OPD'"))
    assert fresh(runtime) > before

    before = fresh(runtime)
    session.exec(sa.update(Agency).values(name="Never"))
    session.rollback()
    assert fresh(runtime) == before  # a write rolled back changed nothing


def test_a_transaction_knows_whether_it_wrote_however_it_wrote(runtime, make):
    agency = make.agency()
    with runtime.session() as session:
        assert workload_version(session) is not None and not wrote(session)
        session.exec(sa.update(Agency).where(Agency.id == agency.id).values(name="Renamed"))
        assert wrote(session)  # a statement sent without the ORM
        session.rollback()
        assert not wrote(session)
        session.get(Agency, agency.id).name = "Renamed again"
        session.flush()
        assert wrote(session)  # an object written
        session.commit()
        assert not wrote(session)
        session.connection().exec_driver_sql("INSERT INTO team (name, created_at) VALUES ('Desk', CURRENT_TIMESTAMP)")
        assert wrote(session)  # plain SQL on the session's connection


def test_the_login_reads_it_in_its_own_statement(runtime, make):
    user = make.user()
    with runtime.session() as session:
        identity = accounts.login_identity(user, accounts.start_login(session, user, NOW))
        session.commit()
    version, statements = fresh(runtime), []
    sa.event.listen(runtime.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with runtime.session() as session:
        assert accounts.user_of_identity(session, identity, NOW).id == user.id
        assert workload_version(session) == version
    assert len([s for s in statements if not s.startswith("BEGIN")]) == 1
