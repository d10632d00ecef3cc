import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { formatAmountShort, type Stripe } from '@hearth/kernel/payments'
import type { PaymentRow } from '../../db/schema.ts'
import { newDonationRow, newPaymentRow } from '../../db/defaults.ts'
import { AuditBatch, conflictOnRace, nowSeconds } from '../../db/transaction.ts'
import { calcPaymentSchedule, MINIMUM_CARD_CHARGE } from '../../domain/money.ts'
import { toCurrency, toPublicFundraiserView } from '../../mappers.ts'
import type { PublicDonationRequestT, PublicFundraiserT, PublicPaymentIntentResponseT } from '../../http/schemas.ts'
import type { DonationRepository } from '../donations/donation.repository.ts'
import type { Lookup } from '../lookup.ts'
import { assertGiftAidAddress } from '../donations/donation.service.ts'
import { stripeCall } from '../stripe/stripe-call.ts'
import type { DonationSettingsCache } from '../../cache/donation-settings.ts'

const orNull = (value: string | null) => (value ? value : null)

export class PublicService {
  constructor(
    private readonly database: Database,
    private readonly lookup: Lookup,
    private readonly donations: DonationRepository,
    private readonly stripe: Stripe,
    private readonly settings: DonationSettingsCache,
  ) {}

  /** The fundraiser without internal fields, with its public, counted donations redacted per flags (§2.4). */
  async getFundraiser(id: string): Promise<PublicFundraiserT> {
    const fundraiser = await this.lookup.fundraiser(id)
    return toPublicFundraiserView(fundraiser, await this.donations.listPublicByFundraiser(this.database.db, id))
  }

  /**
   * §4.3: checks in order, a PaymentIntent for the first payment, then the donation and its schedule.
   * The fundraiser's settings come from the per-process cache (src/cache/donation-settings.ts).
   */
  async createDonation(context: AuditContext, fundraiserId: string, body: PublicDonationRequestT): Promise<PublicPaymentIntentResponseT> {
    const fundraiser = await this.settings.get(fundraiserId, () => this.lookup.fundraiser(fundraiserId))
    const now = nowSeconds()
    if (fundraiser.activeFrom > now) throw errors.badRequest('Fundraiser has not started yet')
    if (fundraiser.paused) throw errors.badRequest('Fundraiser is temporarily paused taking donations')
    if (fundraiser.archived) throw errors.badRequest('Fundraiser has been archived')
    assertGiftAidAddress(body)
    const schedule = calcPaymentSchedule(body.donationAmount, body.contributionAmount, body.recurrenceFrequency, fundraiser.recurringDonationsTo)
    const currency = toCurrency(fundraiser.currency)
    const one = currency === 'usd' ? '$1' : '£1'
    if (schedule.now.donationAmount + schedule.now.contributionAmount < MINIMUM_CARD_CHARGE) {
      throw errors.badRequest(`Payment amount must be greater than ${one} to avoid excessive card transaction fees`)
    }
    if (schedule.future.some((payment) => payment.donationAmount + payment.contributionAmount < MINIMUM_CARD_CHARGE)) {
      throw errors.badRequest(`Future payments must be greater than ${one} to avoid excessive card transaction fees`)
    }
    const totalDonationAmount = schedule.now.donationAmount + schedule.future.reduce((sum, payment) => sum + payment.donationAmount, 0)
    if (fundraiser.minimumDonationAmount !== null && totalDonationAmount < fundraiser.minimumDonationAmount) {
      throw errors.badRequest(`Donation amount must be greater than ${formatAmountShort(currency, fundraiser.minimumDonationAmount)}`)
    }

    const donationId = ulid()
    const paymentId = ulid()
    const amount = schedule.now.donationAmount + schedule.now.contributionAmount
    // Network call before the transaction (never inside one).
    const intent = await stripeCall(() =>
      this.stripe.paymentIntents.create({
        amount,
        currency,
        automatic_payment_methods: { enabled: true },
        metadata: { fundraiserId, donationId, paymentId },
        ...(body.recurrenceFrequency ? { setup_future_usage: 'off_session' as const } : {}),
      }),
    )
    if (!intent.client_secret) throw errors.internal('Stripe PaymentIntent has no client secret')

    const donation = newDonationRow(fundraiserId, now, {
      id: donationId,
      donorName: body.donorName,
      donorEmail: body.donorEmail,
      emailConsentInformational: body.emailConsentInformational,
      emailConsentMarketing: body.emailConsentMarketing,
      addressLine1: orNull(body.addressLine1),
      addressLine2: orNull(body.addressLine2),
      addressLine3: orNull(body.addressLine3),
      addressPostcode: orNull(body.addressPostcode),
      addressCountry: orNull(body.addressCountry),
      giftAid: body.giftAid,
      comment: orNull(body.comment),
      recurringAmount: body.recurrenceFrequency ? body.donationAmount : null,
      recurrenceFrequency: body.recurrenceFrequency,
      charity: body.charity ?? 'AMF',
      overallPublic: body.overallPublic,
      namePublic: body.namePublic,
      donationAmountPublic: body.donationAmountPublic,
      donationCounted: false,
    })
    const pending = { matchFundingAmount: null, method: 'card', status: 'pending' }
    const rows: PaymentRow[] = [
      newPaymentRow(donation, now, { id: paymentId, ...schedule.now, ...pending, reference: intent.id }),
      ...schedule.future.map((payment) => newPaymentRow(donation, payment.at, { ...payment, ...pending })),
    ]
    // All or nothing, in one statement (the original wrote these separately and could leave a partial record).
    const audit = new AuditBatch(context)
    audit.add('create', donationId, { tableName: 'donation', data: donation })
    for (const row of rows) audit.add('create', row.id, { tableName: 'payment', data: row })
    await conflictOnRace(() => this.donations.insertWithPayments(this.database.db, donation, rows, audit))
    return {
      stripeClientSecret: intent.client_secret,
      currency,
      amount,
      totalDonationAmount,
      futurePayments: schedule.future.map((payment) => ({ at: payment.at, amount: payment.donationAmount + payment.contributionAmount })),
    }
  }
}
