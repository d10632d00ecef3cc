/** Static configuration (spec §1.1, §9.2): compacts, license types, the 53 jurisdictions and each compact's members. */

export const COMPACTS = ['aslp', 'octp', 'coun'] as const
export type Compact = (typeof COMPACTS)[number]

export interface LicenseTypeDefinition {
  readonly name: string
  readonly abbreviation: string
}

export interface CompactDefinition {
  readonly abbreviation: Compact
  readonly name: string
  readonly licenseTypes: readonly LicenseTypeDefinition[]
  /** Active member jurisdictions: which `{j}/{c}.*` scopes exist and where staff permissions may be granted. */
  readonly activeMemberJurisdictions: readonly Jurisdiction[]
}

export const JURISDICTION_NAMES = {
  al: 'Alabama',
  ak: 'Alaska',
  az: 'Arizona',
  ar: 'Arkansas',
  ca: 'California',
  co: 'Colorado',
  ct: 'Connecticut',
  de: 'Delaware',
  dc: 'District of Columbia',
  fl: 'Florida',
  ga: 'Georgia',
  hi: 'Hawaii',
  id: 'Idaho',
  il: 'Illinois',
  in: 'Indiana',
  ia: 'Iowa',
  ks: 'Kansas',
  ky: 'Kentucky',
  la: 'Louisiana',
  me: 'Maine',
  md: 'Maryland',
  ma: 'Massachusetts',
  mi: 'Michigan',
  mn: 'Minnesota',
  ms: 'Mississippi',
  mo: 'Missouri',
  mt: 'Montana',
  ne: 'Nebraska',
  nv: 'Nevada',
  nh: 'New Hampshire',
  nj: 'New Jersey',
  nm: 'New Mexico',
  ny: 'New York',
  nc: 'North Carolina',
  nd: 'North Dakota',
  oh: 'Ohio',
  ok: 'Oklahoma',
  or: 'Oregon',
  pa: 'Pennsylvania',
  pr: 'Puerto Rico',
  ri: 'Rhode Island',
  sc: 'South Carolina',
  sd: 'South Dakota',
  tn: 'Tennessee',
  tx: 'Texas',
  ut: 'Utah',
  vt: 'Vermont',
  vi: 'Virgin Islands',
  va: 'Virginia',
  wa: 'Washington',
  wv: 'West Virginia',
  wi: 'Wisconsin',
  wy: 'Wyoming',
} as const

export type Jurisdiction = keyof typeof JURISDICTION_NAMES
export const JURISDICTIONS = Object.keys(JURISDICTION_NAMES) as Jurisdiction[]

const members = (list: string): Jurisdiction[] => list.split(' ') as Jurisdiction[]

export const COMPACT_DEFINITIONS: Readonly<Record<Compact, CompactDefinition>> = {
  aslp: {
    abbreviation: 'aslp',
    name: 'Audiology and Speech Language Pathology',
    licenseTypes: [
      { name: 'audiologist', abbreviation: 'aud' },
      { name: 'speech-language pathologist', abbreviation: 'slp' },
    ],
    activeMemberJurisdictions: members('al ak ar co de fl ga id in ia ks ky la me md mn ms mo mt ne nh nc oh ok ri sc tn ut vt va vi wa wv wi wy'),
  },
  octp: {
    abbreviation: 'octp',
    name: 'Occupational Therapy',
    licenseTypes: [
      { name: 'occupational therapist', abbreviation: 'ot' },
      { name: 'occupational therapy assistant', abbreviation: 'ota' },
    ],
    activeMemberJurisdictions: members('al ar az co de ga ia in ky la me md mn ms mo mt ne nh nc nd oh ri sc sd tn ut vt va wa wv wi wy'),
  },
  coun: {
    abbreviation: 'coun',
    name: 'Counseling',
    licenseTypes: [{ name: 'licensed professional counselor', abbreviation: 'lpc' }],
    activeMemberJurisdictions: members('al ar az co ct dc de fl ga ia in ks ky la me md mn ms mo mt ne nh nj nc nd oh ok ri sc sd tn ut vt va wa wv wi wy'),
  },
}

export function isCompact(value: string): value is Compact {
  return (COMPACTS as readonly string[]).includes(value)
}

export function isJurisdiction(value: string): value is Jurisdiction {
  return Object.hasOwn(JURISDICTION_NAMES, value)
}

export function jurisdictionName(code: Jurisdiction): string {
  return JURISDICTION_NAMES[code]
}

export function isActiveMember(compact: Compact, jurisdiction: string): boolean {
  return (COMPACT_DEFINITIONS[compact].activeMemberJurisdictions as readonly string[]).includes(jurisdiction)
}

export function licenseTypeNames(compact: Compact): string[] {
  return COMPACT_DEFINITIONS[compact].licenseTypes.map((type) => type.name)
}

/** The abbreviation of a license type name in a compact (`speech-language pathologist` → `slp`), or undefined. */
export function licenseTypeAbbreviation(compact: Compact, name: string): string | undefined {
  return COMPACT_DEFINITIONS[compact].licenseTypes.find((type) => type.name === name)?.abbreviation
}

/** The license type name of an abbreviation (URL segments carry abbreviations, bodies carry names). */
export function licenseTypeByAbbreviation(compact: Compact, abbreviation: string): string | undefined {
  return COMPACT_DEFINITIONS[compact].licenseTypes.find((type) => type.abbreviation === abbreviation)?.name
}

/** The message the original gives for an unknown license type (spec §1.1). */
export function licenseTypeMessage(compact: Compact): string {
  return `Must be one of: ${licenseTypeNames(compact).join(', ')}.`
}
