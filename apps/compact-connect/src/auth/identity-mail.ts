import { escapeHtml, type MailMessage } from '@hearth/kernel/mail'
import type { IdentityPool } from './identity.repository.ts'

/**
 * The e-mails Cognito sent for the original (its custom-message trigger, §4.15 last row): the invitation with a
 * temporary password (staff create/reinvite, practitioner registration, account recovery) and the forgotten-password
 * code. Rendered here, sent by the `mail.send` job enqueued in the causing transaction.
 */
export interface IdentityMailContext {
  /** Where the user signs in (the web app). */
  loginUrl: string
  /** Non-production environments mark their mail as a test (§4.15). */
  testBanner: boolean
}

const BANNER = 'This message was sent from a testing environment. Please ignore it.'

function render(to: string, subject: string, paragraphs: string[], context: IdentityMailContext, emphasis?: { label: string; value: string }): MailMessage {
  const all = context.testBanner ? [BANNER, ...paragraphs] : paragraphs
  const text = [...all, ...(emphasis ? [`${emphasis.label}: ${emphasis.value}`] : []), `Sign in: ${context.loginUrl}`].join('\n\n')
  const html = [
    ...all.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(emphasis ? [`<p>${escapeHtml(emphasis.label)}: <strong><code>${escapeHtml(emphasis.value)}</code></strong></p>`] : []),
    `<p><a href="${escapeHtml(context.loginUrl)}">Sign in to CompactConnect</a></p>`,
  ].join('\n')
  return { to, subject, text, html }
}

/** The invitation: username and temporary password, to be changed at the first sign-in. */
export function invitationMail(pool: IdentityPool, to: string, temporaryPassword: string, validDays: number, context: IdentityMailContext): MailMessage {
  const intro = pool === 'staff' ? 'You have been invited to CompactConnect as a staff user.' : 'Thank you for registering with CompactConnect. Your practitioner account has been created.'
  return render(
    to,
    pool === 'staff' ? 'Welcome to CompactConnect' : 'Your CompactConnect account',
    [intro, `Your username is ${to}.`, `Sign in with the temporary password below within ${validDays} days; you will be asked to choose a new password.`],
    context,
    { label: 'Temporary password', value: temporaryPassword },
  )
}

/** The forgotten-password code (valid one hour). */
export function forgotPasswordMail(to: string, code: string, context: IdentityMailContext): MailMessage {
  return render(
    to,
    'Reset your CompactConnect password',
    [
      'We received a request to reset the password of your CompactConnect account.',
      'Enter the code below on the password reset page within one hour. If you did not ask for this, ignore this message.',
    ],
    context,
    { label: 'Verification code', value: code },
  )
}
