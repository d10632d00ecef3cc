export * from './create-app.ts'
export * from './resources.ts'
export * from './app-module.ts'
export * from './run-server.ts'
