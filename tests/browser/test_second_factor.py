"""A manager signs in for the first time: password, then sets up an authenticator from
the page (secret read off the page, as a phone app would), saves the recovery codes, and
next time signs in with password and code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_sets_up_and_signs_in_with_a_code(page, live_server, screenshot, manager):
    base = live_server.url

    def password_step():
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "maria")
        page.fill("#id_password", "pw-maria")
        page.click("input[type=submit]")

    password_step()
    expect(page.locator("h2")).to_have_text("Set up two-step sign-in")
    page.wait_for_function("() => document.querySelector('#mfa-qr').naturalWidth > 0")
    assert_accessible(page)
    screenshot("setup")
    key = b32decode(page.inner_text("#mfa-secret").replace(" ", ""))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("input[type=submit][value='Turn on']")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot("recovery-codes")
    page.click("#mfa-continue")
    expect(page.locator("#user-tools")).to_contain_text("Two-step sign-in")

    page.click("#logout-form button")
    password_step()
    expect(page.locator("h2")).to_have_text("Two-step sign-in")
    screenshot("verify")
    page.fill("#id_code", f"{totp(key, drift=1):06d}")  # the code just used works only once
    page.click("input[type=submit][value='Verify']")
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto(f"{base}/admin/incidents/incident/")
    expect(page.locator("#changelist")).to_be_visible()
