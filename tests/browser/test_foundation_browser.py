"""In a real browser: an employee signs in to the portal, an agent opens the staff console."""

import re

import pytest
from playwright.sync_api import expect

from itsm.demo.people import DEMO_PASSWORD, load_people

pytestmark = [
    pytest.mark.browser,
    # The live server reads from another thread, so the data must be committed; the
    # serialized rollback puts back the migrations' seed rows the flush removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fill_sign_in(page, username, button):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=button).click()


def test_employee_signs_in_and_sees_her_home_page(page, screenshot):
    load_people()

    page.goto("/portal/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/portal/$"))
    screenshot("login")
    fill_sign_in(page, "emma", "Sign in")

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Emma")
    expect(page.get_by_text("Emma Employee")).to_be_visible()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("link", name="Staff console")).to_have_count(0)
    # The project's own stylesheet loaded (no CDN): the header has its colour.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(18, 38, 58)")
    screenshot("emma-home")

    # Keyboard users reach the skip link first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    sign_out.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/portal/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/portal/$"))
    assert page.failed_responses == []


def test_agent_signs_in_to_the_staff_console(page, screenshot):
    load_people()

    page.goto("/admin/")
    fill_sign_in(page, "sam", "Log in")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_have_text("IT Service Desk - staff console")
    expect(page.get_by_role("heading", name="Work queues and configuration")).to_be_visible()
    screenshot("sam-admin")
    assert page.failed_responses == []


def test_wrong_password_is_explained_next_to_the_form(page):
    load_people()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("emma")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value("emma")
