import pytest


@pytest.fixture
def extract_all(runtime, session):
    """Run the extraction queue until empty, then let the test's session see the results."""
    from foia.documents.queue import run_until_empty

    def run(**kwargs):
        summary = run_until_empty(runtime, **kwargs)
        session.commit()  # end the read transaction so the workers' writes are seen
        session.expire_all()
        return summary
    return run
