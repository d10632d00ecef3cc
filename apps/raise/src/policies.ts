import { errors } from '@hearth/kernel'
import { NATIONAL, NATIONAL_TECH, describeGroups } from './groups.ts'
import type { Caller } from './auth/tokens.ts'

/** A group id, a list of them, or something with `groupsWithAccess` (a fundraiser). */
type GroupSource = string | readonly string[] | { groupsWithAccess: readonly string[] }

function flatten(sources: GroupSource[]): Set<string> {
  const groups = new Set<string>()
  for (const source of sources) {
    if (typeof source === 'string') groups.add(source)
    else if (Array.isArray(source)) for (const group of source) groups.add(group)
    else for (const group of (source as { groupsWithAccess: readonly string[] }).groupsWithAccess) groups.add(group)
  }
  return groups
}

export function isInAnyGroup(caller: Caller, ...sources: GroupSource[]): boolean {
  const allowed = flatten(sources)
  return caller.groups.some((group) => allowed.has(group))
}

/** The caller shares a group with the sources, or 403 naming the groups. */
export function assertHasGroup(caller: Caller, ...sources: GroupSource[]): void {
  if (isInAnyGroup(caller, ...sources)) return
  throw errors.forbidden(`To do this you need to be in one of the groups ${describeGroups(flatten(sources))}, but you are in ${describeGroups(caller.groups)}`)
}

/** Unless the caller shares a group with the sources, the body may not carry any of `properties` (even as null). */
export function assertHasGroupForProperties(caller: Caller, body: object, properties: readonly string[], ...sources: GroupSource[]): void {
  if (isInAnyGroup(caller, ...sources)) return
  const present = properties.find((property) => Object.hasOwn(body, property))
  if (present === undefined) return
  throw errors.forbidden(`To edit ${present} you need to be in one of the groups ${describeGroups(flatten(sources))}, but you are in ${describeGroups(caller.groups)}`)
}

/** Reading and editing a fundraiser, its donations and payments: its local team or National. */
export function assertFundraiserAccess(caller: Caller, fundraiser: { groupsWithAccess: readonly string[] }): void {
  assertHasGroup(caller, fundraiser, NATIONAL)
}

export const FUNDRAISER_NATIONAL_ONLY = ['currency', 'matchFundingRemaining', 'groupsWithAccess'] as const
export const FUNDRAISER_NATIONAL_TECH_ONLY = ['totalRaised', 'donationsCount'] as const
export const DONATION_CREATE_NATIONAL_TECH_ONLY = ['stripeCustomerId', 'stripePaymentMethodId'] as const
export const DONATION_EDIT_NATIONAL_TECH_ONLY = ['donationAmount', 'contributionAmount', 'matchFundingAmount', 'stripeCustomerId', 'stripePaymentMethodId'] as const

export { NATIONAL, NATIONAL_TECH }
