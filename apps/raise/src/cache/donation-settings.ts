import { ClearedOnChange, ExpiringCache, changesState } from '@hearth/kernel/cache'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FundraiserRow } from '../db/schema.ts'
import type { RaiseEventBus } from '../events.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route never changes a fundraiser's settings (it may change its totals): answering it keeps the cached donation settings. */
    keepsFundraiserSettings?: boolean
  }
}

export const DEFAULT_DONATION_SETTINGS_TTL_MS = 5_000
const MAX_FUNDRAISERS = 10_000

/** What a public donation is checked against before its PaymentIntent is created (§4.3): settings only, never totals. */
export type DonationSettings = Pick<FundraiserRow, 'id' | 'activeFrom' | 'paused' | 'archived' | 'recurringDonationsTo' | 'currency' | 'minimumDonationAmount'>

export const donationSettingsOf = ({ id, activeFrom, paused, archived, recurringDonationsTo, currency, minimumDonationAmount }: FundraiserRow): DonationSettings => ({
  id,
  activeFrom,
  paused,
  archived,
  recurringDonationsTo,
  currency,
  minimumDonationAmount,
})

/**
 * The settings `POST /public/fundraisers/{id}/donation` checks a donation against, per fundraiser, in
 * each process: a read of PostgreSQL fewer on every donation, the busiest write. It holds only
 * settings (start, pause, archive, recurring end, currency, minimum), which change through admin
 * edits, tasks and the QA reseed, never through a donation or a Stripe webhook. So the kernel's
 * `ClearedOnChange` drops every entry after each successful state-changing request except those of
 * routes declared `keepsFundraiserSettings` (the donation and the webhook), in the answering process
 * before its response is sent and in every other process through the kernel bus
 * (`fundraiserSettingsChanged`). Totals are never taken from here: the pot is read under the
 * fundraiser's row lock when the webhook credits a payment. A donation answered by another process is
 * checked against settings stale for as long as the bus takes to deliver; if a message is ever lost,
 * the TTL (`DONATION_SETTINGS_CACHE_TTL_MS`, default 5 s) bounds it, as it bounds a change made behind
 * the API's back. A fundraiser not found is never stored. `DONATION_SETTINGS_CACHE_TTL_MS=0` turns the
 * cache off.
 */
export class DonationSettingsCache {
  private readonly settings: ExpiringCache<string, DonationSettings>
  private readonly changes: ClearedOnChange

  constructor(events: RaiseEventBus, ttlMs: number, log: { warn(object: unknown, message?: string): void }) {
    this.settings = new ExpiringCache({ ttlMs, maxEntries: MAX_FUNDRAISERS })
    this.changes = ClearedOnChange.overBus(events, 'fundraiserSettingsChanged', {
      clear: () => this.settings.clear(),
      log,
      what: 'fundraiser settings',
      changedBy: (request: FastifyRequest) => changesState(request) && request.routeOptions.config?.keepsFundraiserSettings !== true,
    })
  }

  /** Fundraiser `id`'s settings, cached, or `load()`'s (concurrent misses share one load; a failure, e.g. 404, is not stored). */
  async get(id: string, load: () => Promise<FundraiserRow>): Promise<DonationSettings> {
    return (await this.settings.getOrLoad(id, async () => donationSettingsOf(await load())))!
  }

  listen(): Promise<void> {
    return this.changes.listen()
  }

  clearOnChanges(app: FastifyInstance): void {
    this.changes.clearOnChanges(app)
  }
}
