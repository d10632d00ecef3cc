export { ExpiringCache } from './expiring-cache.ts'
export { ClearedOnChange, changesState, type ClearedOnChangeOptions } from './cleared-on-change.ts'
