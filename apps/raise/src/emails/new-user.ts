import { escapeHtml, type MailMessage } from '@hearth/kernel/mail'
import { FOOTER_TEXT, layout, nonProdText } from './layout.ts'

/** "Your account has been created!", sent when an admin creates a user with `sendAccountCreationEmail`. */
export function newUserEmail(input: { name: string; email: string; senderName: string; loginUrl: string; production: boolean; fromAddress: string }): MailMessage {
  const guide = 'https://www.joinraise.org/docs'
  const html = layout({
    production: input.production,
    heading: 'Your account has been created!',
    body: `<p>Hi ${escapeHtml(input.name)},</p>
<p>An account has been created for you on the Raise platform.</p>
<p>Log in at <a href="${escapeHtml(input.loginUrl)}">${escapeHtml(input.loginUrl)}</a> with your email, ${escapeHtml(input.email)}.</p>
<p>The <a href="${guide}">platform guide</a> explains how to use it.</p>
<p>Best wishes,<br>${escapeHtml(input.senderName)}</p>`,
  })
  const text = `${nonProdText(input.production)}Hi ${input.name},\n\nAn account has been created for you on the Raise platform.\n\nLog in at ${input.loginUrl} with your email, ${input.email}.\n\nThe platform guide (${guide}) explains how to use it.\n\nBest wishes,\n${input.senderName}${FOOTER_TEXT}`
  return { to: input.email, from: { name: input.senderName, address: input.fromAddress }, subject: 'Your account has been created!', html, text }
}
