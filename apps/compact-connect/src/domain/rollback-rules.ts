// The license upload rollback's decision rules (§5 "other ops", #1188), as plain functions over one provider's
// records: which providers a window touched, which of them may be reverted automatically, and what reverting means.

/** The original refused windows over one week. */
export const MAX_ROLLBACK_WINDOW_MS = 7 * 24 * 60 * 60 * 1000

/** License update types that only a license upload writes (§4.3 step 2). */
export const LICENSE_UPLOAD_UPDATE_TYPES: readonly string[] = ['deactivation', 'renewal', 'other']

/** The privilege update type a license upload causes (the §4.7 cascade of an uploaded deactivation). */
export const PRIVILEGE_UPLOAD_UPDATE_TYPE = 'licenseDeactivation'

export const SKIPPED_REASON = 'Provider has updates that are either unrelated to license upload or occurred after rollback end time. Manual review required.'

/** Why a window cannot be rolled back, or `undefined` when it can. */
export function rollbackWindowProblem(start: Date, end: Date): string | undefined {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return 'Invalid datetime format'
  if (start.getTime() >= end.getTime()) return 'Start time must be before end time'
  if (end.getTime() - start.getTime() > MAX_ROLLBACK_WINDOW_MS) return 'Time window cannot exceed 7 days'
  return undefined
}

const within = (moment: Date, start: Date, end: Date) => moment.getTime() >= start.getTime() && moment.getTime() <= end.getTime()

export interface RollbackLicense {
  id: number
  jurisdiction: string
  licenseType: string
  firstUploadDate: Date | null
}

export interface RollbackPrivilege {
  id: number
  jurisdiction: string
  licenseJurisdiction: string
  licenseType: string
  dateOfIssuance: Date
  dateOfRenewal: Date
}

export interface RollbackUpdate {
  id: number
  recordType: string
  jurisdiction: string | null
  licenseType: string | null
  updateType: string
  createDate: Date
  previous: Record<string, unknown>
}

/** One change that keeps a provider from being reverted automatically (the results file's `ineligibleUpdates`). */
export interface IneligibleUpdate {
  recordType: 'licenseUpdate' | 'privilegeUpdate' | 'providerUpdate'
  typeOfUpdate: string
  updateTime: string
  licenseType: string
  reason: string
}

export type RevertAction = 'DELETE' | 'REVERT' | 'REACTIVATED'

export interface RollbackPlan {
  /** Licenses first uploaded in the window: removed. */
  deleteLicenses: { id: number; jurisdiction: string; licenseType: string }[]
  /** Licenses changed by the window's uploads: restored to the `previous` of the window's earliest upload update. */
  restoreLicenses: { id: number; jurisdiction: string; licenseType: string; previous: Record<string, unknown> }[]
  /** Privileges the window's uploads license-deactivated: `licenseDeactivatedStatus` cleared. */
  reactivatePrivileges: { id: number; jurisdiction: string; licenseType: string }[]
  /** Update records of the window's changes, removed with them (the original's `updatesDeleted`). */
  deleteUpdates: number[]
}

export type ProviderRollbackDecision = { kind: 'skip'; ineligibleUpdates: IneligibleUpdate[] } | { kind: 'revert'; plan: RollbackPlan }

/**
 * Decides one provider's rollback for uploads of `jurisdiction` between `start` and `end` (inclusive):
 * - any provider update since `start` → skipped;
 * - a license of the jurisdiction first uploaded in the window is deleted with its updates, unless privileges were
 *   bought on it (skipped);
 * - another license of the jurisdiction: every update since `start` must be an upload update inside the window
 *   (else skipped); those are deleted and the license restored to the earliest one's `previous`;
 * - privileges based on the jurisdiction's licenses: a `licenseDeactivation` inside the window is undone
 *   (reactivated); any other privilege change since `start`, or a purchase or renewal since `start` → skipped.
 */
export function decideProviderRollback(input: {
  jurisdiction: string
  start: Date
  end: Date
  licenses: readonly RollbackLicense[]
  privileges: readonly RollbackPrivilege[]
  updates: readonly RollbackUpdate[]
}): ProviderRollbackDecision {
  const { jurisdiction, start, end } = input
  const ineligible: IneligibleUpdate[] = []
  const plan: RollbackPlan = { deleteLicenses: [], restoreLicenses: [], reactivatePrivileges: [], deleteUpdates: [] }
  const since = (update: RollbackUpdate) => update.createDate.getTime() >= start.getTime()

  for (const update of input.updates) {
    if (update.recordType !== 'provider' || !since(update)) continue
    ineligible.push({
      recordType: 'providerUpdate',
      typeOfUpdate: update.updateType,
      updateTime: update.createDate.toISOString(),
      licenseType: 'N/A',
      reason: 'Provider update occurred after rollback start time. Manual review required.',
    })
  }

  for (const license of input.licenses.filter((row) => row.jurisdiction === jurisdiction)) {
    const basedOnIt = input.privileges.filter((privilege) => privilege.licenseJurisdiction === jurisdiction && privilege.licenseType === license.licenseType)
    for (const privilege of basedOnIt) {
      if (privilege.dateOfIssuance.getTime() >= start.getTime() || privilege.dateOfRenewal.getTime() >= start.getTime()) {
        ineligible.push({
          recordType: 'privilegeUpdate',
          typeOfUpdate: privilege.dateOfIssuance.getTime() >= start.getTime() ? 'issuance' : 'renewal',
          updateTime: (privilege.dateOfIssuance.getTime() >= start.getTime() ? privilege.dateOfIssuance : privilege.dateOfRenewal).toISOString(),
          licenseType: privilege.licenseType,
          reason: `Privilege in jurisdiction ${privilege.jurisdiction} was purchased or renewed after rollback start time. Manual review required.`,
        })
      }
      for (const update of input.updates) {
        if (update.recordType !== 'privilege' || update.jurisdiction !== privilege.jurisdiction || update.licenseType !== privilege.licenseType || !since(update)) continue
        if (update.updateType !== PRIVILEGE_UPLOAD_UPDATE_TYPE || update.createDate.getTime() > end.getTime()) {
          ineligible.push({
            recordType: 'privilegeUpdate',
            typeOfUpdate: update.updateType,
            updateTime: update.createDate.toISOString(),
            licenseType: privilege.licenseType,
            reason: `Privilege in jurisdiction ${privilege.jurisdiction} was updated with a change unrelated to license upload or the update occurred after rollback end time. Manual review required.`,
          })
          continue
        }
        plan.deleteUpdates.push(update.id)
        if (!plan.reactivatePrivileges.some((entry) => entry.id === privilege.id)) {
          plan.reactivatePrivileges.push({ id: privilege.id, jurisdiction: privilege.jurisdiction, licenseType: privilege.licenseType })
        }
      }
    }

    const licenseUpdates = input.updates
      .filter((update) => update.recordType === 'license' && update.jurisdiction === jurisdiction && update.licenseType === license.licenseType && since(update))
      .sort((a, b) => a.createDate.getTime() - b.createDate.getTime() || a.id - b.id)

    if (license.firstUploadDate && within(license.firstUploadDate, start, end)) {
      if (basedOnIt.length > 0) {
        ineligible.push({
          recordType: 'privilegeUpdate',
          typeOfUpdate: 'Issuance',
          updateTime: license.firstUploadDate.toISOString(),
          licenseType: license.licenseType,
          reason: `Privileges issued in jurisdictions ${JSON.stringify(basedOnIt.map((privilege) => privilege.jurisdiction))} after license upload. Manual review required.`,
        })
      }
      plan.deleteLicenses.push({ id: license.id, jurisdiction, licenseType: license.licenseType })
      plan.deleteUpdates.push(...licenseUpdates.map((update) => update.id))
      continue
    }

    const inWindow: RollbackUpdate[] = []
    for (const update of licenseUpdates) {
      if (!LICENSE_UPLOAD_UPDATE_TYPES.includes(update.updateType) || update.createDate.getTime() > end.getTime()) {
        ineligible.push({
          recordType: 'licenseUpdate',
          typeOfUpdate: update.updateType,
          updateTime: update.createDate.toISOString(),
          licenseType: license.licenseType,
          reason: 'License was updated with a change unrelated to license upload or the update occurred after rollback end time. Manual review required.',
        })
      } else inWindow.push(update)
    }
    if (inWindow.length === 0) continue
    plan.deleteUpdates.push(...inWindow.map((update) => update.id))
    plan.restoreLicenses.push({ id: license.id, jurisdiction, licenseType: license.licenseType, previous: inWindow[0]!.previous })
  }

  if (ineligible.length > 0) return { kind: 'skip', ineligibleUpdates: ineligible }
  return { kind: 'revert', plan }
}

/**
 * The stored license columns a restore writes from an upload update's `previous` snapshot (which omits absent
 * fields): every field an upload may set, absent → null. Encumbrance and investigation statuses are not upload
 * fields; a provider whose license changed that way since the window is skipped before this is used.
 */
export function restoredLicenseValues(previous: Record<string, unknown>, uploadFields: readonly string[]): Record<string, string | null> {
  const values: Record<string, string | null> = {}
  for (const field of uploadFields) {
    const value = previous[field]
    values[field] = value === undefined || value === null ? null : String(value)
  }
  return values
}
