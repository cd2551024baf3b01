# pytest glue for the integration tests: fixtures over harness.py, daemon logs in failure
# reports, and CI=true turning every skip into a failure.
import os
import signal
import textwrap

import pytest

import harness

_runner_key = pytest.StashKey()
_netlab_key = pytest.StashKey()


def pytest_addoption(parser):
    parser.addoption("--builddir", default=os.environ.get("top_builddir"),
                     help="pxesuite build directory (default: $top_builddir)")


def pytest_configure(config):
    bd = config.getoption("--builddir")
    if not bd:
        raise pytest.UsageError(
            "no build directory: pass --builddir DIR or export top_builddir=DIR "
            "(tests/integration/run.sh does this under make check)")
    os.environ["top_builddir"] = os.path.abspath(bd)
    config._pxe_subreaper = harness.become_subreaper()
    if os.geteuid() == 0:
        harness.sweep_stale_namespaces()

    # A SIGTERM (e.g. a CI timeout) unwinds like ^C so finalizers and atexit clean up.
    def _term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, _term)


def pytest_report_header(config):
    return [f"pxesuite builddir: {os.environ.get('top_builddir')}",
            f"uid {os.geteuid()}, CI={os.environ.get('CI', '')!r}, "
            f"subreaper={getattr(config, '_pxe_subreaper', False)}"]


@pytest.fixture
def netlab(request):
    """Factory for namespaces, veth pairs and bridges; skips (fails under CI) unless root."""
    harness.require_root()
    lab = harness.NetLab()
    request.node.stash[_netlab_key] = lab
    yield lab
    lab.close()


@pytest.fixture
def daemons(request, tmp_path):
    """Runner for project binaries; at teardown stops leftovers and fails the test on any
    sanitizer report in their logs."""
    if "netlab" in request.fixturenames:
        request.getfixturevalue("netlab")   # set up first, so torn down after the daemons
    runner = harness.Runner(str(tmp_path))
    request.node.stash[_runner_key] = runner
    yield runner
    failures, notes = runner.close()
    for note in notes:
        print("note:", note)
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


@pytest.fixture
def make_config(tmp_path):
    """make_config(text, name='pxesuite.ini') writes a dedented config file; returns its path."""
    def write(text, name="pxesuite.ini"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return str(path)
    return write


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()

    if rep.skipped and harness.ci_mode() and not hasattr(rep, "wasxfail"):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        reason = reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
        if not reason.startswith("CI=true"):
            reason = "CI=true: nothing skips: " + reason
        rep.outcome = "failed"
        rep.longrepr = reason

    if not rep.failed:
        return
    runner = item.stash.get(_runner_key, None)
    if runner is not None:
        for title, path in runner.logs:
            rep.sections.append((f"{title}: {path}", harness.tail(harness.read_text(path))))
    lab = item.stash.get(_netlab_key, None)
    if lab is not None and lab.namespaces and rep.when == "call":
        try:
            rep.sections.append(("namespaces", lab.describe()))
        except Exception as e:  # noqa: BLE001 - diagnostics must not mask the failure
            rep.sections.append(("namespaces", f"could not describe: {e}"))
