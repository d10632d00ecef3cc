import { escapeHtml, type MailMessage } from '@hearth/kernel/mail'
import { formatAmountShort } from '@hearth/kernel/payments'
import { peopleProtected, type Currency } from '../domain/money.ts'
import type { DonationRow, FundraiserRow, PaymentRow } from '../db/schema.ts'
import { FOOTER_TEXT, layout, nonProdText } from './layout.ts'

const date = (seconds: number) => {
  const d = new Date(seconds * 1000)
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`
}
/** Gift Aid in the email is a quarter, not floored (as the original shows it). */
const quarter = (currency: string, amount: number) => formatAmountShort(currency, Math.round(amount * 0.25 * 100) / 100)

/**
 * "We've received your donation": sent once, after the first payment of a donation succeeds.
 * `payments` are the donation's payments, oldest first; the first is the one just paid.
 */
export function confirmationEmail(input: { fundraiser: FundraiserRow; donation: DonationRow; payments: PaymentRow[]; production: boolean; fromAddress: string }): MailMessage {
  const { fundraiser, donation, payments } = input
  const currency = fundraiser.currency as Currency
  const money = (amount: number) => formatAmountShort(currency, amount)
  const firstName = donation.donorName.split(' ')[0] ?? donation.donorName
  const [first, ...future] = payments
  const impact =
    donation.charity === 'AMF'
      ? `Your donation will help protect ${peopleProtected(currency, donation.giftAid, payments, fundraiser)} people from malaria.`
      : `Your donation to ${donation.charity} will do a lot of good.`
  const rows: [string, string][] = []
  if (first) {
    if (first.donationAmount > 0) rows.push([`Your donation to ${donation.charity}`, money(first.donationAmount)])
    if (first.contributionAmount > 0) rows.push(['Your Summer Party contribution', money(first.contributionAmount)])
    rows.push(['Total paid', money(first.donationAmount + first.contributionAmount)])
    if (donation.giftAid) rows.push(['Gift Aid added', quarter(currency, first.donationAmount)])
  }
  const futureRows = future.map((payment) => [date(payment.at), money(payment.donationAmount + payment.contributionAmount)] as [string, string])
  const futureTotal = future.reduce((sum, payment) => sum + payment.donationAmount + payment.contributionAmount, 0)
  const links = [
    fundraiser.eventLink ? `We hope to see you at <a href="${escapeHtml(fundraiser.eventLink)}">our Summer Party</a>.` : '',
    fundraiser.moreInvolvedLink ? `If you'd like to help further, <a href="${escapeHtml(fundraiser.moreInvolvedLink)}">get in touch with us</a>.` : '',
  ].filter(Boolean)
  const table = (entries: [string, string][]) =>
    `<table>${entries.map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td style="text-align:right">${escapeHtml(value)}</td></tr>`).join('')}</table>`
  const futureHtml =
    future.length > 0
      ? `<p>You also set up future donations:</p>${table([
          ...futureRows,
          ['Total future donations', money(futureTotal)],
          ...(donation.giftAid ? ([['Total future Gift Aid to be added', quarter(currency, futureTotal)]] as [string, string][]) : []),
        ])}`
      : ''
  const html = layout({
    production: input.production,
    heading: `${fundraiser.publicName}: A Celebration of Giving`,
    comments: [`fundraiser: ${fundraiser.id}`, `donation: ${donation.id}`, ...payments.map((payment) => `payment: ${payment.id}`)],
    body: `<p>Dear ${escapeHtml(firstName)},</p>
<p>Thank you for donating to ${escapeHtml(fundraiser.publicName)}! ${escapeHtml(impact)}</p>
${links.map((link) => `<p>${link}</p>`).join('\n')}
${table(rows)}
${futureHtml}
<p>Best wishes,<br>The ${escapeHtml(fundraiser.publicName)} Team</p>`,
  })
  const text = [
    nonProdText(input.production) + `${fundraiser.publicName}: A Celebration of Giving`,
    `Dear ${firstName},`,
    `Thank you for donating to ${fundraiser.publicName}! ${impact}`,
    ...rows.map(([label, value]) => `${label}: ${value}`),
    ...(future.length > 0
      ? [
          'You also set up future donations:',
          ...futureRows.map(([label, value]) => `${label}: ${value}`),
          `Total future donations: ${money(futureTotal)}`,
          ...(donation.giftAid ? [`Total future Gift Aid to be added: ${quarter(currency, futureTotal)}`] : []),
        ]
      : []),
    `Best wishes,\nThe ${fundraiser.publicName} Team` + FOOTER_TEXT,
  ].join('\n\n')
  return {
    to: donation.donorEmail,
    from: { name: fundraiser.publicName, address: input.fromAddress },
    subject: "We've received your donation",
    html,
    text,
  }
}
