import { errors, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { JobRunner } from '@hearth/kernel/jobs'
import { eq } from '@hearth/kernel'
import { payments } from '../../db/schema.ts'
import { auditWrite, nowSeconds, transaction, updateWhere, unchanged } from '../../db/conditions.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertHasGroup, isInAnyGroup } from '../../policies.ts'
import { NATIONAL, NATIONAL_TECH } from '../../groups.ts'
import type { RaiseJobs } from '../../jobs.ts'
import type { Slack } from '../../slack.ts'
import { confirmationEmail } from '../../emails/confirmation.ts'
import { newUserEmail } from '../../emails/new-user.ts'
import type { GroupService } from '../groups/group.service.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import { paymentRepository } from '../payments/payment.repository.ts'
import { creditFundraiser } from '../payments/pot.ts'

export interface TaskDefinition {
  id: string
  name: string
  groups: string[]
  run(context: AuditContext, caller: Caller): Promise<unknown>
}

export const SAMPLE_EMAIL_RECIPIENT = 'raisedemo@gmail.com'

export function createTaskService(deps: {
  database: Database
  slack: Slack
  jobs: Pick<JobRunner<RaiseJobs>, 'enqueue'>
  groupService: GroupService
  fundraiserService: FundraiserService
  email: { production: boolean; fromAddress: string; loginUrl: string }
  log: { error(object: unknown, message: string): void }
}) {
  const { database } = deps
  const tasks: TaskDefinition[] = [
    {
      id: '01FQWSP20Y4TD3N6WZY0YSBDPN',
      name: 'Send Slack test message',
      groups: [NATIONAL],
      run: () => deps.slack.send('Test message from Raise (Hearth): Slack alerts work.'),
    },
    {
      id: '01G33RD8YDEYHQF3DZFJ5ZWDFH',
      name: 'Log a stack trace',
      groups: [NATIONAL],
      run: async () => deps.log.error({ err: new Error('This is a test stack trace') }, 'test stack trace from task'),
    },
    {
      id: '01GPY6CSHMD09C16H417C8SVBB',
      name: 'Initialize National and NationalTech groups',
      groups: [NATIONAL],
      run: async (context) => {
        await deps.groupService.create(context, { name: 'National' }, NATIONAL)
        await deps.groupService.create(context, { name: 'NationalTech' }, NATIONAL_TECH)
      },
    },
    {
      id: '01H6HY9VN4N085956S09NP1GSC',
      name: 'Send test confirmation email',
      groups: [NATIONAL],
      run: async () => {
        const now = nowSeconds()
        const fundraiser = {
          ...(await sampleFundraiser()),
        }
        const donation = {
          id: '01H6HYB3Q2YAF3KJ0S0AC3YP4T',
          fundraiserId: fundraiser.id,
          donorName: 'Raise Demo',
          donorEmail: SAMPLE_EMAIL_RECIPIENT,
          emailConsentInformational: false,
          emailConsentMarketing: false,
          createdAt: now,
          addressLine1: 'Raise Demo Street',
          addressLine2: null,
          addressLine3: null,
          addressPostcode: 'SW1A 1AA',
          addressCountry: 'United Kingdom',
          giftAid: true,
          comment: null,
          donationAmount: 0,
          matchFundingAmount: 0,
          contributionAmount: 0,
          recurringAmount: 900,
          recurrenceFrequency: 'WEEKLY',
          stripeCustomerId: null,
          stripePaymentMethodId: null,
          charity: 'AMF',
          overallPublic: false,
          namePublic: false,
          donationAmountPublic: false,
          donationCounted: true,
        }
        const payment = (index: number, at: number, contribution: number) => ({
          id: `01H6HYB3Q2YAF3KJ0S0AC3YP5${index}`,
          donationId: donation.id,
          fundraiserId: fundraiser.id,
          at,
          donationAmount: 900,
          contributionAmount: contribution,
          matchFundingAmount: 900,
          method: 'card',
          reference: null,
          status: index === 0 ? 'paid' : 'scheduled',
        })
        const message = confirmationEmail({
          fundraiser,
          donation,
          payments: [payment(0, now, 1000), payment(1, now + 604800, 0), payment(2, now + 2 * 604800, 0)],
          ...deps.email,
        })
        await deps.jobs.enqueue(database.db, 'mail.send', message)
      },
    },
    {
      id: '01H7DWQ77TZG31E8E1ADWVA15W',
      name: 'Send test user email',
      groups: [NATIONAL],
      run: async () => {
        await deps.jobs.enqueue(database.db, 'mail.send', newUserEmail({ name: 'Raise Demo', email: SAMPLE_EMAIL_RECIPIENT, senderName: 'The Raise National Team', ...deps.email }))
      },
    },
    {
      id: '01H8VB3KZRCGP3HYKS97MH11G2',
      name: 'Cancel all scheduled card payments',
      groups: [NATIONAL],
      // Unlike the original, reserved match funding goes back to a limited pot.
      run: async (context) => {
        for (const payment of await paymentRepository.scheduledCard(database.db)) {
          const fundraiser = await deps.fundraiserService.get(payment.fundraiserId)
          await transaction(database, async (tx) => {
            await updateWhere(tx, payments, payment.id, { status: 'cancelled' }, [eq(payments.status, 'scheduled'), unchanged(payments.matchFundingAmount, payment.matchFundingAmount)], 'payment')
            await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: { status: 'cancelled' } })
            if (payment.matchFundingAmount && fundraiser.matchFundingRemaining !== null) {
              await creditFundraiser(tx, context, fundraiser, { takeFromPot: -payment.matchFundingAmount })
            }
          })
        }
      },
    },
  ]

  async function sampleFundraiser() {
    return {
      id: '01FGNSHH6X6X878ZNBZKY44JQA',
      internalName: 'Raise Demo',
      publicName: 'Raise Demo',
      activeFrom: 0,
      activeTo: 0,
      recurringDonationsTo: 0,
      paused: false,
      currency: 'gbp',
      goal: 100000,
      totalRaised: 0,
      donationsCount: 0,
      matchFundingRate: 100,
      matchFundingPerDonationLimit: 15000,
      matchFundingRemaining: null,
      minimumDonationAmount: null,
      suggestedDonationAmountOneOff: 15000,
      suggestedDonationAmountWeekly: 900,
      suggestedContributionAmount: 1000,
      eventLink: 'https://example.com/event',
      moreInvolvedLink: 'https://example.com/involved',
      archived: false,
      groupsWithAccess: [],
    }
  }

  return {
    definitions: tasks,
    list: (caller: Caller) => tasks.filter((task) => isInAnyGroup(caller, task.groups)).map(({ id, name, groups }) => ({ id, name, groups })),
    /** The `run` entry is written before the group check, so refused attempts are logged too. */
    async run(context: AuditContext, caller: Caller, taskId: string): Promise<void> {
      const task = tasks.find((candidate) => candidate.id === taskId)
      if (!task) throw errors.notFound('task not found')
      await auditWrite(database.db, context, 'run', taskId, {}).catch(() => {})
      assertHasGroup(caller, task.groups)
      await task.run(context, caller)
    },
  }
}
export type TaskService = ReturnType<typeof createTaskService>
