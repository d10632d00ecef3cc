import { escapeHtml } from '@hearth/kernel/mail'

/** The shared frame of Raise emails: the non-production banner and the charity footer. */
export function layout(options: { production: boolean; heading: string; body: string; comments?: string[] }): string {
  const banner = options.production ? '' : '<div style="background:#ffd900;padding:8px;text-align:center;font-weight:bold">Warning: This email was sent from a non-prod environment</div>'
  const comments = (options.comments ?? []).map((comment) => `<!-- ${comment.replace(/--/g, '')} -->`).join('\n')
  return `<!doctype html>
<html><body style="font-family:Helvetica,Arial,sans-serif;color:#222">
${comments}
${banner}
<h1 style="text-align:center">${escapeHtml(options.heading)}</h1>
${options.body}
<p style="font-size:12px;color:#666;text-align:center">Raise is a charity registered in England &amp; Wales, no. 1202899.</p>
</body></html>`
}

export const nonProdText = (production: boolean) => (production ? '' : 'Warning: This email was sent from a non-prod environment\n\n')
export const FOOTER_TEXT = '\n\nRaise is a charity registered in England & Wales, no. 1202899.'
