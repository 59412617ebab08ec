"""axe-core on every portal page a browser test shows.

The engine is the ``axe.min.js`` that the ``axe-playwright-python`` test dependency ships
(no CDN, no network). An init script loads it into every document of the test's browser
context and runs it as soon as a portal page has loaded; the page hands the findings to
the test through an exposed binding, and the page fixture checks the last page once more
at the end. Serious and critical violations fail the test.
"""

import json

from axe_playwright_python.base import AXE_SCRIPT

FAILING_IMPACTS = ["serious", "critical"]
# The staff console is Django's admin, and the API docs are Swagger UI: not portal pages.
NOT_PORTAL = ["/admin/", "/api/"]

RUN = """async () => {
    if (window.__axeChecked) { return; }
    window.__axeChecked = true;
    const results = await axe.run(document, {resultTypes: ["violations"]});
    await window.__axeReport(location.href, results.violations
        .filter(v => FAILING_IMPACTS.includes(v.impact))
        .map(v => {
            const where = v.nodes.map(n => n.target.join(" ")).join(", ");
            return `${v.id} (${v.impact}) ${v.help} at ${where}`;
        }));
}"""

INIT_SCRIPT = f"""(() => {{
    const NOT_PORTAL = {json.dumps(NOT_PORTAL)};
    const FAILING_IMPACTS = {json.dumps(FAILING_IMPACTS)};
    if (!/^https?:$/.test(location.protocol) || window !== window.top
        || NOT_PORTAL.some(prefix => location.pathname.startsWith(prefix))) {{ return; }}
    {AXE_SCRIPT}
    window.__axeRun = {RUN};
    window.addEventListener("load", () => window.__axeRun());
}})();"""


class Audit:
    """Collects the findings of every portal page of one browser context."""

    def __init__(self, context):
        self.checked: list[str] = []
        self.failures: list[str] = []
        context.expose_binding("__axeReport", self.report)
        context.add_init_script(INIT_SCRIPT)

    def report(self, source, url: str, failures: list[str]) -> None:
        self.checked.append(url)
        self.failures.extend(f"{url}: {failure}" for failure in failures)

    def check_last(self, page) -> None:
        """Check the page still shown (a no-op if it was checked or is not a portal page)."""
        page.evaluate("() => window.__axeRun && window.__axeRun()")
