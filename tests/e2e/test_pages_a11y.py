"""Every main page, as the demo user sees it: no console errors or CSP violations, one h1, a title,
a name for every form control and alt text on every image."""
from __future__ import annotations

from sqlmodel import select

from foia.agencies.models import Agency
from foia.documents.models import Document
from foia.documents.queue import run_until_empty
from foia.mail.models import Message
from foia.demo.story import load_demo
from foia.requests.models import FoiaRequest, Status
from tests.factories import PASSWORD as FACTORY_PASSWORD

PASSWORD = "rekognition demo"

# What a screen reader would miss, measured in the page itself.
AUDIT = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const named = (el) => {
    if (el.labels && [...el.labels].some((label) => label.textContent.trim())) return true;
    if ((el.getAttribute("aria-label") || "").trim() || (el.title || "").trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).some((id) => (document.getElementById(id) || {}).textContent)) return true;
    if (el.tagName === "BUTTON") return el.textContent.trim() !== "";
    return ["submit", "reset", "button"].includes(el.type) && (el.value || "").trim() !== "";
  };
  return {
    title: document.title.trim(),
    lang: document.documentElement.lang,
    h1: document.querySelectorAll("h1").length,
    unnamed: [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
      .filter((el) => shown(el) && !named(el)).map((el) => el.outerHTML.slice(0, 120)),
    no_alt: [...document.querySelectorAll("img:not([alt])")].map((img) => img.src),
    main: document.querySelectorAll("main").length,
    skip_link: !!document.querySelector("a.skip-link[href='#content']"),
    wider_than_screen: document.documentElement.scrollWidth > window.innerWidth + 1,
    // Anything drawn past the screen's edges, even inside a box that hides it (a clipped badge).
    off_screen: [...document.querySelectorAll("main *")].filter((el) => {
      if (!shown(el) || el.closest(".visually-hidden, [hidden]")) return false;
      const head = el.closest("thead");
      if (head && getComputedStyle(head).position === "absolute") return false;  // read out, not shown
      const box = el.getBoundingClientRect();
      return box.width > 0 && (box.right > window.innerWidth + 1 || box.left < -1);
    }).map((el) => el.outerHTML.slice(0, 100)).slice(0, 5),
    // Tables shown as tables (not cards) on a phone.
    table_rows: [...document.querySelectorAll("main table.list tbody tr")]
      .filter((tr) => getComputedStyle(tr).display === "table-row").length,
  };
}"""


def _demo_pages(session) -> list[str]:
    requests = {r.status: r for r in session.exec(select(FoiaRequest).order_by(FoiaRequest.id)).all()}
    partial, draft = requests[Status.partial], requests[Status.draft]
    agency = session.exec(select(Agency).order_by(Agency.id)).first()
    message = session.exec(select(Message)).first()
    document = session.exec(select(Document)).first()
    return [
        "/dashboard", "/requests", "/requests?status=partial&q=Rekognition", "/requests?q=nothing-like-this",
        f"/requests/{partial.id}", f"/requests/{draft.id}", f"/requests/{draft.id}/edit", "/requests/new",
        f"/requests/new?from={partial.id}", f"/batches/{partial.batch_id}", f"/batches/{partial.batch_id}/send",
        "/agencies", f"/agencies/{agency.id}", "/agencies/new",
        f"/agencies/{agency.id}/edit", "/jurisdictions", "/jurisdictions/or",
        "/deadlines", "/deadlines?jurisdiction=or&received=2026-03-02", "/account/reminders",
        "/inbox", f"/messages/{message.id}", "/documents", f"/documents/{document.id}",
        "/search?q=rekognition", "/search?q=zzqxv", "/search", "/account",
    ]


def _main_actions(session) -> dict[str, list[str]]:
    """Each page's main actions (button or link names), which a phone must reach within two screens."""
    requests = {r.status: r for r in session.exec(select(FoiaRequest).order_by(FoiaRequest.id)).all()}
    partial, draft = requests[Status.partial], requests[Status.draft]
    agency = session.exec(select(Agency).order_by(Agency.id)).first()
    document = session.exec(select(Document)).first()
    return {
        "/dashboard": ["New request"],
        "/requests": ["New request"],
        f"/requests/{partial.id}": ["Change status", "Edit"],
        f"/requests/{draft.id}": ["Send the request by email", "Mark as submitted"],
        f"/agencies/{agency.id}": ["File a request to this agency"],
        f"/documents/{document.id}": ["Download original"],
        "/inbox": ["Upload"],
    }


def _audit(page, path: str, console: list[str]) -> list[str]:
    console.clear()
    response = page.goto(path)
    found = page.evaluate(AUDIT)
    problems = []
    if response.status != 200:
        problems.append(f"status {response.status}")
    if not found["title"] or found["title"] == "foia":
        problems.append("no page title")
    if found["lang"] != "en":
        problems.append("no lang")
    if found["h1"] != 1:
        problems.append(f"{found['h1']} h1 elements")
    if found["main"] != 1 or not found["skip_link"]:
        problems.append("no main landmark or skip link")
    problems += [f"control without a name: {html}" for html in found["unnamed"]]
    problems += [f"image without alt: {src}" for src in found["no_alt"]]
    problems += [f"console: {text}" for text in console]
    return [f"{path} ({page.viewport_size['width']}px): {problem}" for problem in problems]


def test_main_pages_are_accessible_and_keep_the_csp(page, session, runtime):
    load_demo(session, PASSWORD, blobs=runtime.blobs)
    session.commit()
    run_until_empty(runtime)
    paths = _demo_pages(session)

    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)

    problems = []
    for path in ("/", "/login", "/register"):
        problems += _audit(page, path, console)
    page.goto("/login")
    page.get_by_label("Email").fill("demo@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    for path in paths:
        problems += _audit(page, path, console)

    # The same sweep on a 390 px phone: besides the audit, nothing runs off the screen (no sideways
    # scrolling, nothing clipped), tables are cards, and the main actions are within two screens.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in paths:
        problems += _audit(page, path, console)
        found = page.evaluate(AUDIT)
        if found["wider_than_screen"]:
            problems.append(f"{path} (390px): the page is wider than a phone screen")
        problems += [f"{path} (390px): drawn past the screen's edge: {html}" for html in found["off_screen"]]
        if found["table_rows"]:
            problems.append(f"{path} (390px): {found['table_rows']} table rows not shown as cards")
    for path, names in _main_actions(session).items():
        page.goto(path)
        for name in names:
            target = page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name)).first
            top = target.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
            if top > 2 * 844:
                problems.append(f"{path} (390px): “{name}” is {top:.0f} px down, past the first two screens")
    assert not problems, "\n".join(problems)


def test_form_errors_are_tied_to_their_fields(page, make):
    make.user("reporter@example.org")
    page.goto("/login")
    page.get_by_label("Email").fill("reporter@example.org")
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    page.goto("/agencies/new")
    page.locator("main form button[type=submit]").first.click()
    invalid = page.locator("main [aria-invalid=true]")
    assert invalid.count() >= 1
    described = (invalid.first.get_attribute("aria-describedby") or "").split()
    errors = [page.locator(f"#{id_}").inner_text().strip() for id_ in described if "-error-" in id_]
    assert errors and all(errors), "the field's error message is not announced with it"
