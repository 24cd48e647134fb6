"""The .qwc file: what the Web Connector needs, compared with real ones, and refusals in plain words."""

from __future__ import annotations

import pytest
from lxml import etree

from ecom_ledger_desktop.connectors.ledgers.qbd.webconnector.qwc import (
    APP_OWNER_ID,
    QwcProblem,
    QwcSettings,
    build_qwc,
    new_file_id,
)

FILE_ID = "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}"
REQUIRED = ["AppName", "AppID", "AppURL", "AppDescription", "AppSupport", "UserName", "OwnerID", "FileID",
            "QBType"]


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_local_qwc_has_every_required_element():
    root = _parse(build_qwc(QwcSettings("http://localhost:8443/qbwc", "acme-qbwc", FILE_ID, "Acme shop")))
    assert root.tag == "QBWCXML"
    for tag in REQUIRED:
        assert root.find(tag) is not None, tag
    assert root.findtext("AppURL") == "http://localhost:8443/qbwc"
    assert root.findtext("AppSupport") == "http://localhost:8443/qbwc/support"
    assert root.findtext("OwnerID") == APP_OWNER_ID and root.findtext("FileID") == FILE_ID
    assert root.findtext("QBType") == "QBFS" and root.findtext("IsReadOnly") == "false"
    assert root.findtext("Scheduler/RunEveryNMinutes") == "15"
    assert root.findtext("AppName") == "ecom-ledger-desktop (Acme shop)"
    assert root.findtext("UserName") == "acme-qbwc"
    assert b"password" not in build_qwc(QwcSettings("http://localhost:1/qbwc", "u", FILE_ID)).lower()


@pytest.mark.conformance
@pytest.mark.parametrize("example", ["example_consolibyte.qwc", "sample_flowlink.qwc"])
def test_ours_has_every_element_the_real_examples_have(reference_dir, example):
    path = reference_dir / "payloads" / "qbwc" / example
    if not path.exists():
        pytest.skip(f"{path} is absent")
    theirs = {el.tag for el in _parse(path.read_bytes()).iter()}
    ours = {el.tag for el in _parse(build_qwc(QwcSettings("https://backoffice.local:8443/qbwc", "u",
                                                          FILE_ID, auth_flags="0xF"))).iter()}
    assert theirs <= ours


def test_lan_address_must_be_https_and_support_on_the_same_host():
    with pytest.raises(QwcProblem, match="only accepts http:// for 'localhost'"):
        build_qwc(QwcSettings("http://192.168.1.20:8443/qbwc", "u", FILE_ID))
    with pytest.raises(QwcProblem, match="same host"):
        build_qwc(QwcSettings("https://backoffice.local:8443/qbwc", "u", FILE_ID,
                              app_support="https://example.com/help"))
    root = _parse(build_qwc(QwcSettings("https://backoffice.local:8443/qbwc", "u", FILE_ID)))
    assert root.findtext("AppSupport") == "https://backoffice.local:8443/qbwc/support"


def test_guids_and_other_limits():
    with pytest.raises(QwcProblem, match="FileID"):
        build_qwc(QwcSettings("http://localhost:1/qbwc", "u", "not-a-guid"))
    with pytest.raises(QwcProblem, match="80"):
        build_qwc(QwcSettings("http://localhost:1/qbwc", "u", FILE_ID, description="x" * 81))
    with pytest.raises(QwcProblem, match="user name"):
        build_qwc(QwcSettings("http://localhost:1/qbwc", " ", FILE_ID))
    first, second = new_file_id(), new_file_id()
    assert first != second and first.startswith("{") and len(first) == 38


def test_names_are_escaped_and_the_file_is_stable():
    settings = QwcSettings("http://localhost:1/qbwc", "u", FILE_ID, connection_label="Tom & Jerry <Ltd>")
    data = build_qwc(settings)
    assert _parse(data).findtext("AppName") == "ecom-ledger-desktop (Tom & Jerry <Ltd>)"
    assert build_qwc(settings) == data
    unique = _parse(data).findtext("AppUniqueName")
    assert unique == "ecom-ledger-desktop-90a44fb5-33d9-4815-ac85-bc87a7e7d1eb"
