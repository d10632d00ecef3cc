import { AuthorizeNetProcessor, type AuthorizeNetSettings, type PaymentProcessor } from '@hearth/kernel/payments'
import type { FakeAuthorizeNet } from '@hearth/kernel/testing/authorize-net'

export interface MerchantCredentials {
  apiLoginId: string
  transactionKey: string
}

/**
 * Hands out the Authorize.Net processor for a compact's merchant credentials. Without an API URL outside
 * production (development, QA, tests) it talks to the kernel's local Authorize.Net fake, started on first use
 * through a dynamic import: the compiled production tree holds no test code, and production never gets here.
 */
export class PaymentGateway {
  private fakeServer: Promise<FakeAuthorizeNet> | undefined

  constructor(
    private readonly settings: AuthorizeNetSettings,
    /** True when the local fake stands in for Authorize.Net (never in production: config refuses it). */
    readonly usesFake: boolean,
    /**
     * Where the fake's transaction ids start: after the highest one already recorded, so a restarted fake never
     * hands out an id the database holds (undefined = the fake's own start, 120000000101).
     */
    private readonly firstFakeTransactionId: () => Promise<number | undefined> = async () => undefined,
  ) {}

  /** What purchase options report as `isSandbox`. */
  get isSandbox(): boolean {
    return this.usesFake || this.settings.sandbox
  }

  async processor(credentials: MerchantCredentials): Promise<PaymentProcessor> {
    const apiUrl = this.usesFake ? (await this.fake())!.url : this.settings.apiUrl
    return new AuthorizeNetProcessor({ ...credentials, apiUrl, sandbox: this.settings.sandbox, timeoutMs: this.settings.timeoutMs })
  }

  /** The local fake (its ledger backs `GET /qa/payments`); undefined when the real Authorize.Net is used. */
  async fake(): Promise<FakeAuthorizeNet | undefined> {
    if (!this.usesFake) return undefined
    this.fakeServer ??= import('@hearth/kernel/testing/authorize-net').then(async ({ startFakeAuthorizeNet }) => startFakeAuthorizeNet({ firstTransactionId: await this.firstFakeTransactionId() }))
    return this.fakeServer
  }

  /** Empties the fake's ledger (QA seed, tests); ids restart after the highest recorded one. */
  async resetFake(): Promise<void> {
    const fake = await this.fake()
    fake?.reset(await this.firstFakeTransactionId())
  }

  async close(): Promise<void> {
    if (this.fakeServer) await (await this.fakeServer).close()
    this.fakeServer = undefined
  }
}
