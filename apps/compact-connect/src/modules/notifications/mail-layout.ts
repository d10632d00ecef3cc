import { escapeHtml } from '@hearth/kernel/mail'

/** The line non-production environments put at the top of every e-mail (§4.15). */
export const TEST_BANNER = 'This message was sent from a testing environment. Please ignore it.'

/** One block of an e-mail body: a paragraph, a bulleted list, or a code shown on its own. */
export type MailBlock = string | { list: string[] } | { code: string }

/** Plain text and HTML of the same blocks, with the testing banner first outside production. */
export function renderBlocks(blocks: readonly MailBlock[], testBanner: boolean): { text: string; html: string } {
  const text: string[] = testBanner ? [TEST_BANNER] : []
  const html: string[] = testBanner ? [`<p><strong>${escapeHtml(TEST_BANNER)}</strong></p>`] : []
  for (const block of blocks) {
    if (typeof block === 'string') {
      text.push(block)
      html.push(`<p>${escapeHtml(block)}</p>`)
    } else if ('list' in block) {
      if (block.list.length === 0) continue
      text.push(block.list.map((line) => `- ${line}`).join('\n'))
      html.push(`<ul>${block.list.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`)
    } else {
      text.push(block.code)
      html.push(`<p style="font-size:24px;font-weight:bold;letter-spacing:4px">${escapeHtml(block.code)}</p>`)
    }
  }
  return { text: text.join('\n\n'), html: `<!doctype html><html><body>${html.join('')}</body></html>` }
}
