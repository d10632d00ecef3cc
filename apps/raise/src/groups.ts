/** Fixed groups: the same ids in every environment. */
export const NATIONAL = '01GPY6D06N6EHEE0RGRNZJ60K7'
export const NATIONAL_TECH = '01GPY6D06NTBC0674WHR7H60YT'
export const FIXED_GROUPS: Record<string, string> = { [NATIONAL]: 'National', [NATIONAL_TECH]: 'NationalTech' }

export function describeGroup(id: string): string {
  return FIXED_GROUPS[id] ? `${FIXED_GROUPS[id]} (${id})` : id
}

export function describeGroups(ids: Iterable<string>): string {
  return `[${[...ids].map(describeGroup).join(', ')}]`
}
