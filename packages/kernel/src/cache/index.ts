export { ExpiringCache } from './expiring-cache.ts'
export { ClearedOnChange, changesState, type ChangeEventBus, type ClearedOnChangeOptions } from './cleared-on-change.ts'
