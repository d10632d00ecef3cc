import type { Database } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { PaymentProcessor } from '@hearth/kernel/payments'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { MerchantCredentials } from '../purchases/payment-gateway.ts'
import { isSettlementError, settlementWindows } from '../reports/report-rules.ts'
import type { SettlementRepository } from './settlement.repository.ts'

type Logger = { error(object: unknown, message?: string): void; info(object: unknown, message?: string): void }

/** Transactions fetched per page of a batch (the original's 500 per invocation). */
export const SETTLEMENT_PAGE_SIZE = 500
const DAY_MS = 86_400_000

export interface SettlementProblem {
  batchId: string
  transactionId?: string
  reason: string
}

/**
 * §5 daily settlement collection: per compact with processor credentials, the batches settled since the last run
 * (paged), each transaction mapped to its privileges through the recorded purchase and stored as transaction
 * history; settlement errors, and general-error transactions without privileges, alert the compact operations team.
 */
export class SettlementService {
  constructor(
    private readonly database: Database,
    private readonly repository: SettlementRepository,
    private readonly credentials: (compact: string) => Promise<MerchantCredentials | undefined>,
    private readonly processorFor: (credentials: MerchantCredentials) => Promise<PaymentProcessor>,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly log: Logger,
  ) {}

  async collectAll(slot: Date): Promise<void> {
    for (const compact of await this.repository.compactsWithCredentials(this.database.db)) await this.collect(compact, slot)
  }

  /** Collects one compact's settlements up to `until`; returns the problems found. */
  async collect(compact: string, until: Date): Promise<{ transactions: number; problems: SettlementProblem[] }> {
    const credentials = await this.credentials(compact)
    if (!credentials) return { transactions: 0, problems: [] }
    const processor = await this.processorFor(credentials)
    const db = this.database.db
    const from = (await this.repository.cursor(db, compact)) ?? new Date(until.getTime() - DAY_MS)
    const problems: SettlementProblem[] = []
    let collected = 0
    const now = new Date()
    for (const window of settlementWindows(from, until)) {
      for (const batch of await processor.settledBatches({ from: window.start, to: window.end })) {
        const settlementTime = new Date(batch.settlementTimeUTC)
        if (isSettlementError(batch.settlementState)) problems.push({ batchId: batch.batchId, reason: `batch settlement state ${batch.settlementState}` })
        for (let page = 1; ; page++) {
          const transactions = await processor.batchTransactions(batch.batchId, { limit: SETTLEMENT_PAGE_SIZE, offset: page })
          for (const transaction of transactions) {
            const recorded = await this.repository.recordedTransaction(db, compact, transaction.transId)
            const privileges = recorded ? await this.repository.privilegeJurisdictions(db, compact, recorded.privilegeIds) : []
            await this.database.transaction(async (tx) => {
              await this.repository.upsertHistory(tx, {
                compact,
                transactionId: transaction.transId,
                batchId: batch.batchId,
                batchSettlementState: batch.settlementState,
                settlementTime,
                month: batch.settlementTimeUTC.slice(0, 7),
                transactionStatus: transaction.transactionStatus,
                settleAmountCents: transaction.settleAmount,
                submitTime: transaction.submitTimeUTC ? new Date(transaction.submitTimeUTC) : null,
                providerId: recorded?.providerId ?? null,
                licenseeFirstName: recorded?.givenName ?? null,
                licenseeLastName: recorded?.familyName ?? null,
                lineItems: recorded?.lineItems ?? [],
                privileges,
                collectedAt: now,
              })
              if (recorded) await this.repository.markSettled(tx, compact, transaction.transId, transaction.transactionStatus, settlementTime)
            })
            collected++
            if (isSettlementError(transaction.transactionStatus)) problems.push({ batchId: batch.batchId, transactionId: transaction.transId, reason: 'settlement error' })
            else if (transaction.transactionStatus === 'generalError' && privileges.length === 0)
              problems.push({ batchId: batch.batchId, transactionId: transaction.transId, reason: 'general error, no privileges recorded' })
          }
          if (transactions.length < SETTLEMENT_PAGE_SIZE) break
        }
      }
    }
    await this.database.transaction(async (tx) => {
      await this.repository.advanceCursor(tx, compact, until, now)
      if (problems.length > 0) {
        await this.jobs.enqueue(
          tx,
          'notification.send',
          {
            template: 'transactionBatchSettlementFailure',
            recipientType: 'COMPACT_OPERATIONS_TEAM',
            compact,
            templateVariables: {
              batchFailureErrorMessage: problems.map((problem) => `Batch ${problem.batchId}${problem.transactionId ? `, transaction ${problem.transactionId}` : ''}: ${problem.reason}`).join('\n'),
              batchIds: [...new Set(problems.map((problem) => problem.batchId))],
            },
          },
          { idempotencyKey: `settlement-failure:${compact}:${until.toISOString()}` },
        )
      }
    })
    this.log.info({ compact, transactions: collected, problems: problems.length }, 'settlement collected')
    return { transactions: collected, problems }
  }
}
