export * from './jwt.ts'
export * from './permissions.ts'
