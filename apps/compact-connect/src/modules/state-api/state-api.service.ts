import type { Database } from '@hearth/kernel'
import type { StateCaller } from '../../auth/index.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { licenseCompactEligibility, licenseStatus, privilegeStatus, type ActiveStatus, type Eligibility } from '../../domain/status.ts'
import { accessDenied, badRequest, notFound } from '../../errors.ts'
import { hasActionForProvider, hasCompactOrAnyJurisdiction } from '../../permissions.ts'
import type { LicenseRow, PrivilegeRow, ProviderRow } from '../licenses/licenses.repository.ts'
import { toProviderSummary } from '../providers/providers.mappers.ts'
import type { SignatureService, SignedRequest } from './signature.service.ts'
import type { StateApiRepository } from './state-api.repository.ts'
import type { StatePrivilegeView, StateProviderQueryBody, StateProviderQueryResult, StateProviderView } from './state-api.schemas.ts'

const WEEK_MS = 7 * 24 * 60 * 60 * 1000
const present = <T>(value: T | null) => (value === null ? undefined : value)

function decodeLastKey(lastKey: string | undefined): { at: Date; providerId: string } | undefined {
  if (lastKey === undefined) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(lastKey, 'base64').toString('utf8')) as Record<string, unknown>
    const at = typeof parsed.providerDateOfUpdate === 'string' ? new Date(parsed.providerDateOfUpdate) : undefined
    if (at && !Number.isNaN(at.getTime()) && typeof parsed.providerId === 'string') return { at, providerId: parsed.providerId }
  } catch {
    // fall through
  }
  throw badRequest('Invalid lastKey')
}

/** `{j}/{c}.statePrivilege` (§2.7): a privilege flattened with its home license; private fields only for readPrivate. */
export function toStatePrivilege(provider: ProviderRow, privilege: PrivilegeRow, license: LicenseRow | undefined, isPrivate: boolean, now = new Date()): StatePrivilegeView {
  const licenseInput = license
    ? {
        jurisdictionUploadedLicenseStatus: license.jurisdictionUploadedLicenseStatus as ActiveStatus,
        jurisdictionUploadedCompactEligibility: license.jurisdictionUploadedCompactEligibility as Eligibility,
        dateOfExpiration: license.dateOfExpiration,
        encumberedStatus: license.encumberedStatus,
      }
    : undefined
  const view: StatePrivilegeView = {
    type: 'statePrivilege',
    providerId: privilege.providerId,
    compact: privilege.compact,
    jurisdiction: privilege.jurisdiction,
    licenseJurisdiction: privilege.licenseJurisdiction,
    licenseType: privilege.licenseType,
    privilegeId: privilege.privilegeId,
    status: privilegeStatus({ ...privilege, administratorSetStatus: privilege.administratorSetStatus as ActiveStatus }, now),
    administratorSetStatus: privilege.administratorSetStatus,
    dateOfIssuance: isoDateTime(privilege.dateOfIssuance),
    dateOfRenewal: isoDateTime(privilege.dateOfRenewal),
    dateOfExpiration: privilege.dateOfExpiration,
    dateOfUpdate: isoDateTime(privilege.dateOfUpdate),
    compactTransactionId: present(privilege.compactTransactionId),
    givenName: license?.givenName ?? provider.givenName,
    middleName: present(license ? license.middleName : provider.middleName),
    familyName: license?.familyName ?? provider.familyName,
    suffix: present(license ? license.suffix : provider.suffix),
    licenseNumber: present(license?.licenseNumber ?? null),
    npi: present(license ? license.npi : provider.npi),
    licenseStatusName: present(license?.licenseStatusName ?? null),
    licenseStatus: licenseInput ? licenseStatus(licenseInput, now) : 'inactive',
    jurisdictionUploadedLicenseStatus: license?.jurisdictionUploadedLicenseStatus ?? provider.jurisdictionUploadedLicenseStatus,
    compactEligibility: licenseInput ? licenseCompactEligibility(licenseInput, now) : 'ineligible',
    jurisdictionUploadedCompactEligibility: license?.jurisdictionUploadedCompactEligibility ?? provider.jurisdictionUploadedCompactEligibility,
  }
  if (isPrivate) {
    view.ssnLastFour = provider.ssnLastFour
    view.dateOfBirth = provider.dateOfBirth
    view.compactConnectRegisteredEmailAddress = present(provider.compactConnectRegisteredEmailAddress)
    if (license) {
      view.homeAddressStreet1 = license.homeAddressStreet1
      view.homeAddressStreet2 = present(license.homeAddressStreet2)
      view.homeAddressCity = license.homeAddressCity
      view.homeAddressState = license.homeAddressState
      view.homeAddressPostalCode = license.homeAddressPostalCode
      view.emailAddress = present(license.emailAddress)
      view.phoneNumber = present(license.phoneNumber)
    }
  }
  return view
}

/** State API reads (§2.7): signed requests from a state's app client holding a readGeneral scope of the compact. */
export class StateApiService {
  constructor(
    private readonly database: Database,
    private readonly repository: StateApiRepository,
    private readonly signatures: SignatureService,
    private readonly uiUrl: string,
  ) {}

  private async authorize(caller: StateCaller, compact: string, jurisdiction: string, request: SignedRequest): Promise<void> {
    if (!hasCompactOrAnyJurisdiction(caller.scopes, compact, 'readGeneral')) throw accessDenied()
    await this.signatures.verifyRequest(request, compact, jurisdiction, 'required')
  }

  async queryProviders(caller: StateCaller, compact: string, jurisdiction: string, body: StateProviderQueryBody, request: SignedRequest): Promise<StateProviderQueryResult> {
    await this.authorize(caller, compact, jurisdiction, request)
    const start = new Date(body.query.startDateTime)
    const end = new Date(body.query.endDateTime)
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw badRequest('startDateTime and endDateTime must be ISO 8601 date-times')
    if (end < start) throw badRequest('endDateTime must not be before startDateTime')
    if (end.getTime() - start.getTime() > WEEK_MS) throw badRequest('Time filter cannot be larger than 7 days.')
    const pageSize = body.pagination?.pageSize ?? 100
    const direction = body.sorting?.direction ?? 'ascending'
    const rows = await this.repository.updatedProviders(this.database.db, {
      compact,
      jurisdiction,
      start,
      end,
      ascending: direction === 'ascending',
      after: decodeLastKey(body.pagination?.lastKey),
      limit: pageSize + 1,
    })
    const page = rows.slice(0, pageSize)
    const last = page[page.length - 1]
    const lastKey =
      rows.length > pageSize && last ? Buffer.from(JSON.stringify({ providerDateOfUpdate: last.providerDateOfUpdate.toISOString(), providerId: last.providerId })).toString('base64') : null
    return {
      query: { startDateTime: body.query.startDateTime, endDateTime: body.query.endDateTime },
      sorting: { direction },
      providers: page.map((row) => toProviderSummary(row, 'general')),
      pagination: { pageSize, prevLastKey: body.pagination?.lastKey ?? null, lastKey },
    }
  }

  async provider(caller: StateCaller, compact: string, jurisdiction: string, providerId: string, request: SignedRequest): Promise<StateProviderView> {
    await this.authorize(caller, compact, jurisdiction, request)
    const provider = await this.repository.provider(this.database.db, compact, providerId)
    if (!provider) throw notFound('Provider not found')
    const privileges = (await this.repository.privilegesOf(this.database.db, providerId)).filter((privilege) => privilege.jurisdiction === jurisdiction)
    if (privileges.length === 0) throw notFound('Provider not found')
    const licenses = await this.repository.licensesOf(this.database.db, providerId)
    const jurisdictions = new Set([...licenses.map((license) => license.jurisdiction), ...provider.privilegeJurisdictions])
    const isPrivate = hasActionForProvider(caller.scopes, compact, 'readPrivate', jurisdictions)
    return {
      privileges: privileges.map((privilege) =>
        toStatePrivilege(
          provider,
          privilege,
          licenses.find((license) => license.jurisdiction === privilege.licenseJurisdiction && license.licenseType === privilege.licenseType),
          isPrivate,
        ),
      ),
      providerUIUrl: `${this.uiUrl}/${compact}/Licensing/${providerId}`,
    }
  }
}
