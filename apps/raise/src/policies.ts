// Who may change this field, and who may see or touch this row? The route's permission (permissions.ts)
// lets a signed-in admin in; these rules, over the caller and the row, decide the rest. Services call
// them; each refusal is a 403 in the original's words.
import { errors } from '@hearth/kernel'
import { NATIONAL, NATIONAL_TECH, describeGroups } from './groups.ts'
import type { Caller } from './auth/tokens.ts'

/** A field → the group a caller must be in to set it. Fields not listed are open to whoever may access the row. */
export type FieldRules = Readonly<Record<string, string>>

/** Fundraiser edits: the currency, the pot and who has access are National's; the totals NationalTech's. */
export const FUNDRAISER_EDIT_FIELDS: FieldRules = {
  currency: NATIONAL,
  matchFundingRemaining: NATIONAL,
  groupsWithAccess: NATIONAL,
  totalRaised: NATIONAL_TECH,
  donationsCount: NATIONAL_TECH,
}

/** A new donation's Stripe ids are NationalTech's. */
export const DONATION_CREATE_FIELDS: FieldRules = {
  stripeCustomerId: NATIONAL_TECH,
  stripePaymentMethodId: NATIONAL_TECH,
}

/** A donation's running totals and Stripe ids are NationalTech's. */
export const DONATION_EDIT_FIELDS: FieldRules = {
  donationAmount: NATIONAL_TECH,
  contributionAmount: NATIONAL_TECH,
  matchFundingAmount: NATIONAL_TECH,
  stripeCustomerId: NATIONAL_TECH,
  stripePaymentMethodId: NATIONAL_TECH,
}

export const isInGroup = (caller: Caller, group: string): boolean => caller.groups.includes(group)

export const isInAnyGroup = (caller: Caller, groups: readonly string[]): boolean => caller.groups.some((group) => groups.includes(group))

/** The groups that act as a fundraiser's team: its own, then National. */
export const fundraiserTeam = (fundraiser: { groupsWithAccess: readonly string[] }): string[] => [...new Set([...fundraiser.groupsWithAccess, NATIONAL])]

/** A fundraiser, its donations and payments are its local team's and National's. */
export const mayAccessFundraiser = (caller: Caller, fundraiser: { groupsWithAccess: readonly string[] }): boolean => isInAnyGroup(caller, fundraiserTeam(fundraiser))

/** Card payments are recorded by hand only by National (they bypass Stripe). */
export const mayRecordCardPayment = (caller: Caller): boolean => isInGroup(caller, NATIONAL)

/** A maintenance task is run (and listed) for the groups it names. */
export const mayRunTask = (caller: Caller, task: { groups: readonly string[] }): boolean => isInAnyGroup(caller, task.groups)

/** The first field in `body` (in the table's order) that the caller may not set, with the group it needs. Present even as null counts. */
export function fieldRefused(caller: Caller, rules: FieldRules, body: object): { field: string; group: string } | undefined {
  for (const [field, group] of Object.entries(rules)) {
    if (Object.hasOwn(body, field) && !isInGroup(caller, group)) return { field, group }
  }
  return undefined
}

// The original's refusals.

/** 403 `To do this you need to be in one of the groups [...]` unless the caller is in one of `groups`. */
export function assertInAnyGroup(caller: Caller, groups: readonly string[]): void {
  if (!isInAnyGroup(caller, groups)) throw needGroups(groups, caller)
}

export function assertMayAccessFundraiser(caller: Caller, fundraiser: { groupsWithAccess: readonly string[] }): void {
  if (!mayAccessFundraiser(caller, fundraiser)) throw needGroups(fundraiserTeam(fundraiser), caller)
}

export function assertMayRecordCardPayment(caller: Caller): void {
  if (!mayRecordCardPayment(caller)) throw needGroups([NATIONAL], caller)
}

/** 403 `To edit <field> you need to be in one of the groups [...]` for the first field the caller may not set. */
export function assertMaySetFields(caller: Caller, rules: FieldRules, body: object): void {
  const refused = fieldRefused(caller, rules, body)
  if (refused) throw errors.forbidden(`To edit ${refused.field} you need to be in one of the groups ${describeGroups([refused.group])}, but you are in ${describeGroups(caller.groups)}`)
}

export function needGroups(groups: readonly string[], caller: Caller): Error {
  return errors.forbidden(`To do this you need to be in one of the groups ${describeGroups(groups)}, but you are in ${describeGroups(caller.groups)}`)
}

export { NATIONAL, NATIONAL_TECH }
