import type { AppHealth, PortalEntry } from './health.ts'

/** Every value shown on the page comes from configuration or the apps: escape all of it. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

const docsLabel = (docsUrl: string) => (new URL(docsUrl).pathname.startsWith('/graphiql') ? 'GraphiQL' : 'API reference')
const apiKind = (docsUrl: string) => (new URL(docsUrl).pathname.startsWith('/graphiql') ? 'GraphQL' : 'REST')

function statusBadge(health: AppHealth | undefined): string {
  if (health === undefined) return '<span class="status" data-status="checking" role="status">checking…</span>'
  const text = health.status === 'up' ? `up · ${health.latencyMs} ms` : `down · ${health.detail}`
  return `<span class="status" data-status="${health.status}" role="status">${escapeHtml(text)}</span>`
}

function appCard(entry: PortalEntry, index: number, health: AppHealth | undefined): string {
  const credentials = Object.entries(entry.credentials)
  const credentialList =
    credentials.length === 0
      ? '<p class="muted">No credentials needed.</p>'
      : `<ul class="credentials">${credentials
          .map(([label, value], position) => {
            const id = `credential-${index}-${position}`
            return (
              `<li><span class="label">${escapeHtml(label)}</span>` +
              `<div class="value"><code id="${id}">${escapeHtml(value)}</code>` +
              `<button type="button" class="copy" data-copy="${id}" aria-label="Copy ${escapeHtml(label)}">Copy</button></div></li>`
            )
          })
          .join('')}</ul>`
  return `
      <article class="app" data-app="${escapeHtml(entry.name)}">
        <header>
          <h2>${escapeHtml(entry.name)}</h2>
          ${statusBadge(health)}
        </header>
        <p class="kind">${apiKind(entry.docsUrl)} API</p>
        <dl class="links">
          <dt>Base URL</dt><dd><a class="url" href="${escapeHtml(entry.url)}">${escapeHtml(entry.url)}</a></dd>
          <dt>Docs</dt><dd><a class="docs" href="${escapeHtml(entry.docsUrl)}">${docsLabel(entry.docsUrl)}</a> <span class="muted">${escapeHtml(new URL(entry.docsUrl).pathname)}</span></dd>
        </dl>
        <h3>Demo credentials</h3>
        ${credentialList}
      </article>`
}

export function renderPage(entries: readonly PortalEntry[], health: readonly AppHealth[]): string {
  const byName = new Map(health.map((item) => [item.name, item]))
  const cards = entries.map((entry, index) => appCard(entry, index, byName.get(entry.name))).join('')
  const body =
    entries.length === 0
      ? '<p class="empty">No apps are running in this process. Start them all with <code>npm start</code>.</p>'
      : `<section class="apps" aria-label="Running apps">${cards}\n    </section>`
  const count = entries.length === 1 ? '1 app' : `${entries.length} apps`
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Hearth portal</title>
    <link rel="icon" href="data:image/svg+xml,${encodeURIComponent(flame)}">
    <link rel="stylesheet" href="/portal.css">
  </head>
  <body>
    <header class="top">
      <div class="brand">${flame}<span>Hearth</span></div>
      <p>Five production backends on one TypeScript kernel. <strong id="app-count">${count}</strong> running here.</p>
    </header>
    <main>
    ${body}
    </main>
    <footer>
      Health comes from each app's <code>/health</code>, checked by the portal every 5 seconds
      (<a href="/api/apps">/api/apps</a>). Each app also serves <code>/ready</code> and <code>/metrics</code>.
    </footer>
    <script src="/portal.js" defer></script>
  </body>
</html>
`
}

const flame =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">' +
  '<path fill="#e8590c" d="M16 2c1 6-6 9-6 17a6 6 0 0 0 12 0c0-3-1-5-3-7 0 3-1 5-3 5 2-5 2-10 0-15z"/>' +
  '<path fill="#fab005" d="M16 30a5 5 0 0 1-5-5c0-3 2-5 4-7 0 3 2 4 3 4 1 0 2-1 2-2 1 1 1 3 1 5a5 5 0 0 1-5 5z"/></svg>'

export const stylesheet = `
:root { color-scheme: light dark; --bg: #f8f9fa; --card: #fff; --text: #212529; --muted: #6c757d; --line: #dee2e6;
  --accent: #e8590c; --up: #2b8a3e; --up-bg: #d3f9d8; --down: #c92a2a; --down-bg: #ffe3e3; --code: #f1f3f5; }
@media (prefers-color-scheme: dark) { :root { --bg: #141517; --card: #1f2125; --text: #e9ecef; --muted: #909296;
  --line: #2c2e33; --up: #8ce99a; --up-bg: #1b3a24; --down: #ffa8a8; --down-bg: #4a1c1c; --code: #2c2e33; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.top { padding: 32px 24px 8px; max-width: 1200px; margin: 0 auto; }
.brand { display: flex; align-items: center; gap: 10px; font-size: 28px; font-weight: 700; letter-spacing: -0.02em; }
.top p { margin: 6px 0 0; color: var(--muted); }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
.apps { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
.app { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 18px 20px; box-shadow: 0 1px 2px rgb(0 0 0 / 0.04); }
.app > header { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
.app h2 { margin: 0; font-size: 20px; }
.app h3 { margin: 14px 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.kind { margin: 2px 0 10px; color: var(--muted); font-size: 13px; }
.status { font-size: 12px; font-weight: 600; padding: 3px 10px; border-radius: 999px; white-space: nowrap; background: var(--code); color: var(--muted); }
.status[data-status="up"] { background: var(--up-bg); color: var(--up); }
.status[data-status="down"] { background: var(--down-bg); color: var(--down); }
.links { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
.links dt { color: var(--muted); }
.links dd { margin: 0; overflow-wrap: anywhere; }
.credentials { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.credentials .label { display: block; font-size: 13px; color: var(--muted); }
.value { display: flex; gap: 8px; align-items: flex-start; }
.value code { flex: 1; background: var(--code); border-radius: 6px; padding: 6px 8px; max-height: 5.6em; overflow: auto; word-break: break-all; }
.copy { font: inherit; font-size: 12px; border: 1px solid var(--line); background: var(--card); color: var(--text); border-radius: 6px; padding: 5px 10px; cursor: pointer; }
.copy:hover { border-color: var(--accent); }
.copy[data-copied] { border-color: var(--up); color: var(--up); }
.muted { color: var(--muted); }
.empty { padding: 24px; border: 1px dashed var(--line); border-radius: 12px; text-align: center; color: var(--muted); }
footer { max-width: 1200px; margin: 0 auto; padding: 8px 24px 32px; color: var(--muted); font-size: 13px; }
`

/** Refreshes the health badges and wires the copy buttons; no framework, no outside requests. */
export const script = `
'use strict'
const badge = (name) => {
  for (const card of document.querySelectorAll('article.app')) if (card.dataset.app === name) return card.querySelector('.status')
  return null
}
async function refresh() {
  try {
    const response = await fetch('/api/apps', { headers: { accept: 'application/json' } })
    if (!response.ok) return
    const { apps } = await response.json()
    for (const app of apps) {
      const element = badge(app.name)
      if (!element) continue
      element.dataset.status = app.status
      element.textContent = app.status === 'up' ? 'up · ' + app.latencyMs + ' ms' : 'down · ' + app.detail
    }
  } catch {
    // the portal itself is gone; the badges keep their last state
  }
}
async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text)
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  document.execCommand('copy')
  area.remove()
}
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null
  if (!button) return
  const source = document.getElementById(button.dataset.copy)
  if (!source) return
  try {
    await copy(source.textContent)
    button.textContent = 'Copied'
    button.dataset.copied = ''
  } catch {
    button.textContent = 'Select and copy'
  }
  setTimeout(() => { button.textContent = 'Copy'; delete button.dataset.copied }, 1500)
})
refresh()
setInterval(refresh, 5000)
`
