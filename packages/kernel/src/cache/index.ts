export { ExpiringCache } from './expiring-cache.ts'
