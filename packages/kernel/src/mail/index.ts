import nodemailer, { type Transporter } from 'nodemailer'
import { EnvReader, type EnvSource } from '../config/index.ts'

export interface MailAddress {
  name: string
  address: string
}

/** A rendered message: templates are plain functions that return one of these. */
export interface MailMessage {
  to: string | string[]
  from?: MailAddress
  replyTo?: string
  subject: string
  html: string
  text: string
  /** Files sent with the message (reports); `content` is the bytes or base64 text (`encoding: 'base64'`). */
  attachments?: MailAttachment[]
}

export interface MailAttachment {
  filename: string
  contentType: string
  content: Buffer | string
  encoding?: 'base64'
}

export interface MailSettings {
  /** `SMTP_URL` (`smtp://user:pass@host:port`, `smtps://…`); unset → messages are logged, not sent. */
  smtpUrl: string | undefined
  /** `MAIL_FROM_ADDRESS`: the sender address when a message names none. */
  fromAddress: string
  fromName: string
}

export function readMailSettings(source: EnvSource, defaults: { fromAddress: string; fromName: string }): MailSettings {
  const env = new EnvReader(source)
  return {
    smtpUrl: env.url('SMTP_URL', ['smtp:', 'smtps:']),
    fromAddress: env.string('MAIL_FROM_ADDRESS', defaults.fromAddress)!,
    fromName: env.string('MAIL_FROM_NAME', defaults.fromName)!,
  }
}

export interface Mailer {
  /** True when messages really leave (SMTP); false when they are only logged (development). */
  readonly delivering: boolean
  send(message: MailMessage): Promise<{ messageId: string }>
  close(): void
}

/** The characters a display name may keep; the rest become spaces (so headers cannot be injected). */
export function safeDisplayName(name: string): string {
  return name
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * nodemailer over SMTP when `smtpUrl` is set; otherwise its JSON transport, and the message is
 * written to the log so a developer can read it.
 */
export function createMailer(settings: MailSettings, log?: { info(object: unknown, message: string): void }): Mailer {
  const transport: Transporter = settings.smtpUrl ? nodemailer.createTransport(settings.smtpUrl) : nodemailer.createTransport({ jsonTransport: true })
  return {
    delivering: settings.smtpUrl !== undefined,
    async send(message) {
      const from = message.from ?? { name: settings.fromName, address: settings.fromAddress }
      const info = await transport.sendMail({
        from: { name: safeDisplayName(from.name), address: from.address },
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        html: message.html,
        text: message.text,
        attachments: message.attachments?.map((attachment) => ({ ...attachment })),
      })
      if (!settings.smtpUrl) log?.info({ to: message.to, subject: message.subject, text: message.text }, 'mail (not sent: no SMTP_URL)')
      return { messageId: String(info.messageId) }
    },
    close() {
      transport.close()
    },
  }
}

/** Escapes text for HTML templates. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}
