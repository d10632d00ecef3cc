import { errors, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { JobRunner } from '@hearth/kernel/jobs'
import { newDonationRow, newFundraiserRow, newPaymentRow } from '../../db/defaults.ts'
import { auditWrite, nowSeconds, transaction } from '../../db/transaction.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertInAnyGroup, mayRunTask } from '../../policies.ts'
import { NATIONAL, NATIONAL_TECH } from '../../groups.ts'
import type { TaskT } from '../../http/schemas.ts'
import type { RaiseJobs } from '../../jobs.ts'
import type { Slack } from '../../slack.ts'
import { confirmationEmail } from '../../emails/confirmation.ts'
import { newUserEmail } from '../../emails/new-user.ts'
import type { GroupService } from '../groups/group.service.ts'
import type { FundraiserTotals } from '../fundraisers/fundraiser-totals.ts'
import type { Lookup } from '../lookup.ts'
import type { PaymentRepository } from '../payments/payment.repository.ts'

export interface TaskDefinition {
  id: string
  name: string
  groups: string[]
  run(context: AuditContext, caller: Caller): Promise<unknown>
}

export const SAMPLE_EMAIL_RECIPIENT = 'raisedemo@gmail.com'

export interface TaskSettings {
  email: { production: boolean; fromAddress: string; loginUrl: string }
  log: { error(object: unknown, message: string): void }
}

/** The maintenance tasks (§2.9): listed and run for the groups each names. */
export class TaskService {
  readonly definitions: TaskDefinition[]

  constructor(
    private readonly database: Database,
    private readonly slack: Slack,
    private readonly jobs: Pick<JobRunner<RaiseJobs>, 'enqueue'>,
    private readonly groupService: GroupService,
    private readonly lookup: Lookup,
    private readonly payments: PaymentRepository,
    private readonly totals: FundraiserTotals,
    private readonly settings: TaskSettings,
  ) {
    this.definitions = [
      { id: '01FQWSP20Y4TD3N6WZY0YSBDPN', name: 'Send Slack test message', groups: [NATIONAL], run: () => this.slack.send('Test message from Raise (Hearth): Slack alerts work.') },
      {
        id: '01G33RD8YDEYHQF3DZFJ5ZWDFH',
        name: 'Log a stack trace',
        groups: [NATIONAL],
        run: async () => this.settings.log.error({ err: new Error('This is a test stack trace') }, 'test stack trace from task'),
      },
      { id: '01GPY6CSHMD09C16H417C8SVBB', name: 'Initialize National and NationalTech groups', groups: [NATIONAL], run: (context) => this.initializeFixedGroups(context) },
      { id: '01H6HY9VN4N085956S09NP1GSC', name: 'Send test confirmation email', groups: [NATIONAL], run: () => this.sendTestConfirmationEmail() },
      {
        id: '01H7DWQ77TZG31E8E1ADWVA15W',
        name: 'Send test user email',
        groups: [NATIONAL],
        run: () => this.jobs.enqueue(this.database.db, 'mail.send', newUserEmail({ name: 'Raise Demo', email: SAMPLE_EMAIL_RECIPIENT, senderName: 'The Raise National Team', ...this.settings.email })),
      },
      // Unlike the original, reserved match funding goes back to a limited pot.
      { id: '01H8VB3KZRCGP3HYKS97MH11G2', name: 'Cancel all scheduled card payments', groups: [NATIONAL], run: (context) => this.cancelAllScheduledCardPayments(context) },
    ]
  }

  list(caller: Caller): TaskT[] {
    return this.definitions.filter((task) => mayRunTask(caller, task)).map(({ id, name, groups }) => ({ id, name, groups }))
  }

  /** The `run` entry is written before the group check, so refused attempts are logged too. */
  async run(context: AuditContext, caller: Caller, taskId: string): Promise<void> {
    const task = this.definitions.find((candidate) => candidate.id === taskId)
    if (!task) throw errors.notFound('task not found')
    await auditWrite(this.database.db, context, 'run', taskId, {}).catch(() => {})
    assertInAnyGroup(caller, task.groups)
    await task.run(context, caller)
  }

  private async initializeFixedGroups(context: AuditContext) {
    await this.groupService.create(context, { name: 'National' }, NATIONAL)
    await this.groupService.create(context, { name: 'NationalTech' }, NATIONAL_TECH)
  }

  /** The confirmation email of a sample weekly donation to the demo fundraiser, to the demo address. */
  private async sendTestConfirmationEmail() {
    const now = nowSeconds()
    const fundraiser = newFundraiserRow(0, {
      id: '01FGNSHH6X6X878ZNBZKY44JQA',
      internalName: 'Raise Demo',
      publicName: 'Raise Demo',
      goal: 100000,
      matchFundingRate: 100,
      matchFundingPerDonationLimit: 15000,
      eventLink: 'https://example.com/event',
      moreInvolvedLink: 'https://example.com/involved',
    })
    const donation = newDonationRow(fundraiser.id, now, {
      id: '01H6HYB3Q2YAF3KJ0S0AC3YP4T',
      donorName: 'Raise Demo',
      donorEmail: SAMPLE_EMAIL_RECIPIENT,
      addressLine1: 'Raise Demo Street',
      addressPostcode: 'SW1A 1AA',
      addressCountry: 'United Kingdom',
      giftAid: true,
      recurringAmount: 900,
      recurrenceFrequency: 'WEEKLY',
      charity: 'AMF',
    })
    const payment = (index: number, at: number, contributionAmount: number) =>
      newPaymentRow(donation, at, {
        id: `01H6HYB3Q2YAF3KJ0S0AC3YP5${index}`,
        donationAmount: 900,
        contributionAmount,
        matchFundingAmount: 900,
        method: 'card',
        status: index === 0 ? 'paid' : 'scheduled',
      })
    const message = confirmationEmail({
      fundraiser,
      donation,
      payments: [payment(0, now, 1000), payment(1, now + 604800, 0), payment(2, now + 2 * 604800, 0)],
      ...this.settings.email,
    })
    await this.jobs.enqueue(this.database.db, 'mail.send', message)
  }

  /** Each scheduled card payment cancelled in its own transaction, its reservation returned to a limited pot. */
  private async cancelAllScheduledCardPayments(context: AuditContext) {
    for (const payment of await this.payments.scheduledCard(this.database.db)) {
      const fundraiser = await this.lookup.fundraiser(payment.fundraiserId)
      await transaction(this.database, async (tx) => {
        await this.totals.lock(tx, fundraiser.id)
        await this.payments.cancel(tx, payment.id, { expected: { status: 'scheduled', matchFundingAmount: payment.matchFundingAmount } })
        await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: { status: 'cancelled' } })
        if (payment.matchFundingAmount && fundraiser.matchFundingRemaining !== null) {
          await this.totals.credit(tx, context, fundraiser, { takeFromPot: -payment.matchFundingAmount })
        }
      })
    }
  }
}
