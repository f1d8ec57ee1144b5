"""The page's script and style sheet.

The script reads only numbers the server wrote (class names such as `turn-2`, a marker's `[1]`,
`data-*` attributes on buttons in the sources panel); article text never reaches it.
"""

from __future__ import annotations

# Passed to `launch(js=...)`: runs once when the page loads.
# - A citation marker in any answer opens that answer's group in the Sources tab, scrolls the card
#   into view and flashes it.
# - A feedback button sends {action: "feedback", turn, verdict} through `window.ragSend`, which the
#   sources panel defines (see BRIDGE_JS) so that the server receives it as that panel's click event.
PAGE_JS = """
() => {
  const numberIn = (el, prefix) => {
    for (const c of el.classList) if (c.startsWith(prefix)) return parseInt(c.slice(prefix.length), 10);
    return NaN;
  };
  const showTab = (name) => {
    const tab = Array.from(document.querySelectorAll("button[role=tab]")).find((b) => b.textContent.trim() === name);
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
  };
  const whenThere = (selector, then, tries = 60) => {
    const el = document.querySelector(selector);
    if (el) then(el);
    else if (tries > 0) setTimeout(() => whenThere(selector, then, tries - 1), 50);
  };
  const flash = (el) => {
    el.classList.add("flash");
    setTimeout(() => el.classList.remove("flash"), 1500);
  };
  window.ragShowSource = (turn, n) => {
    showTab("Sources");
    whenThere("#turn-" + turn, (group) => {
      group.open = true;
      whenThere("#source-" + turn + "-" + n, (card) => {
        card.scrollIntoView({block: "nearest"});
        flash(card);
      });
    });
  };
  // Scroll the article's own box to the clicked span, and the window only as far as needed to show
  // the panel (on a phone it sits below the chat).
  window.ragShowArticleSpan = () => {
    if (!window.ragPendingScroll) return;
    window.ragPendingScroll = false;
    whenThere("#article-current", (span) => {
      const body = span.closest(".article-body");
      const panel = document.querySelector("#side") || body;
      const top = panel.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight / 2) panel.scrollIntoView({block: "start"});
      if (body) {
        const offset = span.getBoundingClientRect().top - body.getBoundingClientRect().top;
        body.scrollTop += offset - body.clientHeight / 2 + span.getBoundingClientRect().height / 2;
      }
      flash(span);
    });
  };
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!target || !target.closest) return;
    const marker = target.closest("sup.cite");
    if (marker) {
      window.ragShowSource(numberIn(marker, "turn-"), parseInt(marker.textContent.replace(/[^0-9]/g, ""), 10));
      return;
    }
    const button = target.closest("button.fb");
    if (button && window.ragSend) {
      const verdict = Array.from(button.classList).find((c) => c.startsWith("verdict-"));
      window.ragSend({action: "feedback", turn: numberIn(button, "turn-"), verdict: verdict.slice(8)});
    }
  });
}
"""

# The sources panel's `js_on_load`: its "Read the whole article" buttons become the panel's click
# event with {action: "read", turn, n | hit}, and `window.ragSend` lets the chat's feedback buttons
# use the same channel.
BRIDGE_JS = """
window.ragSend = (data) => trigger("click", data);
element.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button.read-article");
  if (!button) return;
  window.ragPendingScroll = true;
  const number = (v) => (v === undefined ? null : parseInt(v, 10));
  trigger("click", {
    action: "read", turn: number(button.dataset.turn), n: number(button.dataset.n), hit: number(button.dataset.hit)
  });
});
"""

SCROLL_TO_SPAN_JS = "() => { if (window.ragShowArticleSpan) window.ragShowArticleSpan(); }"

CSS = """
.sources .source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px; margin: 8px 0; }
.sources .badge, .sources .qbadge { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 999px;
  background: var(--color-accent); color: white; font-weight: 600; margin-right: 4px; padding: 0 4px; }
.sources .qbadge { background: var(--body-text-color-subdued); }
.sources details.turn { border-bottom: 1px solid var(--border-color-primary); padding: 6px 0; }
.sources details.turn > summary { cursor: pointer; font-weight: 600; }
.sources .meta, .sources .where, .article .meta, .article .where, .note {
  color: var(--body-text-color-subdued); font-size: 0.85em; }
.sources blockquote.quote { margin: 6px 0; padding-left: 10px; border-left: 3px solid var(--color-accent); }
.sources mark, .article mark { background: #fde68a; color: black; }
mark.short, .sources mark.short, .article mark.short { background: #fbbf24; color: black; font-weight: 600;
  border-bottom: 2px solid #b45309; }
.sources .passage { max-height: 260px; overflow-y: auto; font-size: 0.9em; margin-top: 6px; }
.article .article-body { max-height: 60vh; overflow-y: auto; line-height: 1.5; padding-right: 6px; }
.article mark.current { outline: 2px solid var(--color-accent); }
button.read-article { margin-left: 6px; padding: 1px 8px; border-radius: 6px; font-size: 0.95em;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill); cursor: pointer; }
sup.cite { color: var(--color-accent); font-weight: 600; cursor: pointer; }
.flash { outline: 3px solid var(--color-accent) !important; transition: outline 0.2s; }
.abstained { font-style: italic; }
.respelt { font-size: 0.85em; opacity: 0.75; }
.feedback { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 0.85em; }
.feedback button.fb { padding: 2px 10px; border-radius: 999px; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-primary); cursor: pointer; }
.feedback button.fb.chosen { background: var(--color-accent); color: white; border-color: var(--color-accent); }
.feedback .fb-saved { color: var(--body-text-color-subdued); }
@media (max-width: 640px) {
  .gradio-container { padding: 4px !important; }
  .sources .passage, .article .article-body { max-height: 50vh; }
}
"""
