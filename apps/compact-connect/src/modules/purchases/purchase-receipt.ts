import { escapeHtml, type MailMessage } from '@hearth/kernel/mail'
import { centsToDecimal } from '@hearth/kernel/payments'
import type { FeeLineItem } from './fees.ts'
import { TEST_BANNER } from '../notifications/mail-layout.ts'

export interface PurchaseReceipt {
  to: string
  givenName: string
  familyName: string
  compactName: string
  transactionId: string
  /** `{jurisdictionName, privilegeId, renewal}` per privilege bought or renewed. */
  privileges: { jurisdictionName: string; privilegeId: string; renewal: boolean }[]
  lineItems: FeeLineItem[]
  /** Cents. */
  total: number
  /** Non-production environments mark their mail as a test (§4.15). */
  testBanner: boolean
}

const usd = (cents: number) => `$${centsToDecimal(cents)}`

/** `privilegePurchaseProviderNotification` (§4.15): the receipt with line items and total, to the registered email. */
export function purchaseReceiptMail(receipt: PurchaseReceipt): MailMessage {
  const banner = receipt.testBanner ? `${TEST_BANNER}\n\n` : ''
  const privilegeLines = receipt.privileges.map((privilege) => `${privilege.jurisdictionName}: privilege ${privilege.privilegeId}${privilege.renewal ? ' (renewed)' : ''}`)
  const itemLines = receipt.lineItems.map((item) => `${item.name} — ${item.quantity} × ${usd(item.unitPrice)} = ${usd(item.quantity * item.unitPrice)}`)
  const text = [
    `${banner}Dear ${receipt.givenName} ${receipt.familyName},`,
    '',
    `Your ${receipt.compactName} compact privilege purchase is complete (transaction ${receipt.transactionId}).`,
    '',
    'Privileges:',
    ...privilegeLines,
    '',
    'Charges:',
    ...itemLines,
    `Total: ${usd(receipt.total)}`,
  ].join('\n')
  const list = (lines: string[]) => `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
  const html = [
    receipt.testBanner ? `<p><strong>${TEST_BANNER}</strong></p>` : '',
    `<p>Dear ${escapeHtml(receipt.givenName)} ${escapeHtml(receipt.familyName)},</p>`,
    `<p>Your ${escapeHtml(receipt.compactName)} compact privilege purchase is complete (transaction ${escapeHtml(receipt.transactionId)}).</p>`,
    `<p>Privileges:</p>${list(privilegeLines)}`,
    `<p>Charges:</p>${list(itemLines)}`,
    `<p><strong>Total: ${usd(receipt.total)}</strong></p>`,
  ].join('')
  return { to: receipt.to, subject: 'Compact Privileges Purchased', text, html }
}
