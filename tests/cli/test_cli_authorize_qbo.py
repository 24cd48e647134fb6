"""The ``ecom-ledger`` command, run for real as a child process: connecting QuickBooks in the
browser (``connections authorize``).

The Magento and QuickBooks Online simulators run in this process; every command runs in a child
(``python -m ecom_ledger_desktop``) with a file-backed test keyring (``support``).
"""

from __future__ import annotations

import subprocess
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ecom_ledger_desktop.db.state import State
from tests.cli.support import CLIENT_ID, LEDGER, PAIR, REDIRECT_URI, Cli, Sims

pytestmark = pytest.mark.timeout(120)


# -- connecting QuickBooks in the browser -----------------------------------------------------

def _start_authorize(cli: Cli, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``connections authorize``; returns the process and the consent URL it printed."""
    proc = cli.popen("connections", "authorize", LEDGER, *extra)
    assert proc.stdout is not None
    seen = []
    while line := proc.stdout.readline():
        seen.append(line)
        if line.startswith("http"):
            return proc, line.strip()
    with proc:
        _, err = proc.communicate(timeout=30)
    raise AssertionError(f"no consent URL printed: {''.join(seen)}{err}")


def _finish(proc: subprocess.Popen[str], pasted: str) -> tuple[int, str, str]:
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    with proc, proc.stdout, proc.stderr:
        proc.stdin.write(pasted + "\n")
        proc.stdin.close()
        out, err = proc.stdout.read(), proc.stderr.read()
        return proc.wait(timeout=30), out, err


def _consent(url: str) -> str:
    """What the browser does: open the consent page, approve, follow to the redirect address."""
    response = httpx.get(url, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_authorize_prints_the_consent_url_and_connects_with_the_pasted_redirect(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    stale = cli.secret(LEDGER, "refresh_token")
    sims.ledger.revoke_refresh_tokens()
    number = sims.add_order()
    cli.sync(code=1)
    assert cli.connection(LEDGER)["status"] == "needs_reauthorisation"

    proc, url = _start_authorize(cli)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sims.ledger.base_url}/connect/oauth2"
    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
    assert query["redirect_uri"] == REDIRECT_URI
    assert "com.intuit.quickbooks.accounting" in query["scope"].split()
    assert len(query["state"]) >= 16

    redirect = _consent(url)
    assert redirect.startswith(REDIRECT_URI) and f"state={query['state']}" in redirect
    code, out, err = _finish(proc, redirect)
    assert code == 0, (out, err)
    assert f"Connected '{LEDGER}' to QuickBooks company {sims.ledger.realm_id}" in out
    assert "Traceback" not in err

    new_token = cli.secret(LEDGER, "refresh_token")
    assert new_token and new_token != stale
    ledger = cli.connection(LEDGER)
    assert ledger["status"] == "ok" and ledger["setting.realm_id"] == sims.ledger.realm_id
    redirect_code = parse_qs(urlsplit(redirect).query)["code"][0]
    for text in (out, err):
        assert new_token not in text and redirect_code not in text
    assert new_token.encode() not in cli.persisted_bytes()

    summary = cli.sync()  # what waited while disconnected is posted now
    assert summary["posted"] == 1
    assert list(sims.receipt_numbers()) == [number]


def test_authorize_takes_a_bare_code_and_saves_the_realm_only_when_the_url_brings_it(
        cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    proc, url = _start_authorize(cli)
    code_only = parse_qs(urlsplit(_consent(url)).query)["code"][0]
    status, out, err = _finish(proc, code_only)
    assert status == 0, (out, err)
    assert cli.connection(LEDGER)["setting.realm_id"] == sims.ledger.realm_id
    assert "✓" in cli.ok("connections", "test", LEDGER)


def test_authorize_refuses_a_redirect_from_another_sign_in(cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    before = cli.secret(LEDGER, "refresh_token")
    proc, url = _start_authorize(cli)
    forged_url = url.replace(f"state={parse_qs(urlsplit(url).query)['state'][0]}",
                             "state=someone-elses-state")
    forged = _consent(forged_url)
    assert "state=someone-elses-state" in forged
    status, out, err = _finish(proc, forged)
    assert status == 1
    assert "did not belong to this sign-in" in err and "state" in err
    assert "Traceback" not in err
    assert cli.secret(LEDGER, "refresh_token") == before
    # the code in the refused address was not spent: it can still be exchanged
    forged_code = parse_qs(urlsplit(forged).query)["code"][0]
    assert forged_code not in out + err
    token = sims.ledger.oauth.token(CLIENT_ID, {"grant_type": "authorization_code",
                                                "code": forged_code,
                                                "redirect_uri": REDIRECT_URI})
    assert token["refresh_token"]


def test_authorize_explains_a_cancelled_sign_in_and_an_unusable_code(cli: Cli, sims: Sims) -> None:
    cli.add_ledger(sims)
    before = cli.secret(LEDGER, "refresh_token")
    proc, url = _start_authorize(cli)
    state = parse_qs(urlsplit(url).query)["state"][0]
    status, _, err = _finish(proc, f"{REDIRECT_URI}?error=access_denied&state={state}")
    assert status == 1 and "cancelled" in err

    proc, _ = _start_authorize(cli)
    status, _, err = _finish(proc, "AB1-not-a-real-code")
    assert status == 1 and "Not connected" in err and "again" in err
    assert "Traceback" not in err
    assert cli.secret(LEDGER, "refresh_token") == before


def test_authorize_refuses_another_company_when_a_pair_already_posts_to_this_one(
        cli: Cli, sims: Sims) -> None:
    cli.configure_directly(sims)
    state = State(cli.data_dir / "ledger-sync.sqlite3")
    try:
        ledger = state.connections.connection(LEDGER)
        assert ledger is not None and ledger.id is not None
        with state.tx():
            state.connections.update_settings(ledger.id, {**ledger.settings, "realm_id": "4620816365"})
    finally:
        state.close()
    before = cli.secret(LEDGER, "refresh_token")
    proc, url = _start_authorize(cli)
    status, _, err = _finish(proc, _consent(url))
    assert status == 1
    assert "different QuickBooks company" in err and PAIR in err
    assert cli.secret(LEDGER, "refresh_token") == before
    assert cli.connection(LEDGER)["setting.realm_id"] == "4620816365"
