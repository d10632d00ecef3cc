import type { MailMessage } from '@hearth/kernel/mail'

/** Every background job of Raise: name → payload. Handlers are registered in container.ts. */
export type RaiseJobs = {
  /** Sends one rendered email (outside any transaction, retried on SMTP failure). */
  'mail.send': MailMessage
  /** The daily collection of due scheduled card payments. */
  'payments.collect': { slot: string }
}
