// The license upload rollback's operator command (§5 "other ops", #1188; the original started a Step Function):
//   npm run rollback -w apps/compact-connect -- --compact aslp --jurisdiction oh \
//     --start 2026-01-15T08:00:00Z --end 2026-01-15T17:59:59Z --reason "Invalid data uploaded" [--execution-name NAME]
// It records the execution and enqueues its `license.rollback` job (once per execution name), then works the job
// queue until the execution is complete; a server process with JOBS_ENABLED may take the job up instead (or resume
// it after this command dies). Prints the summary and the results file's key.
import { parseArgs } from 'node:util'
import { readEnvironment } from '@hearth/kernel'
import compactConnect from '../src/app.ts'
import { RollbackRequestError } from '../src/modules/rollback/rollback.service.ts'

// `npm run -w` runs in the app folder: resolve DATA_DIR and `.env` from where the operator ran npm, as the server does.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)

const { values } = parseArgs({
  options: {
    compact: { type: 'string' },
    jurisdiction: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    reason: { type: 'string' },
    'execution-name': { type: 'string' },
  },
})
const missing = ['compact', 'jurisdiction', 'start', 'end', 'reason'].filter((name) => values[name as keyof typeof values] === undefined)
if (missing.length > 0) {
  console.error(`missing ${missing.map((name) => `--${name}`).join(', ')}`)
  process.exit(2)
}

const config = compactConnect.loadConfig({ ...readEnvironment(), JOBS_ENABLED: 'false', SCHEDULES_ENABLED: 'false', SEED: 'none' })
const app = await compactConnect.buildApp(config)
const { services, jobs } = (app as unknown as { compactConnect: import('../src/container.ts').Container }).compactConnect
let exitCode = 0
try {
  const { execution, created } = await services.rollback.start({
    compact: values.compact!,
    jurisdiction: values.jurisdiction!,
    startDateTime: values.start!,
    endDateTime: values.end!,
    rollbackReason: values.reason!,
    executionName: values['execution-name'],
  })
  console.log(created ? `rollback ${execution.executionName} started` : `rollback ${execution.executionName} already exists (${execution.status}); not started again`)
  for (;;) {
    const current = await services.rollback.execution(execution.executionName)
    if (!current || current.status !== 'queued') {
      console.log(JSON.stringify({ executionName: execution.executionName, status: current?.status, resultsKey: current?.resultsKey }, null, 2))
      if (current?.status !== 'complete') exitCode = 1
      break
    }
    // Another process may hold the job; wait for it rather than spin.
    if ((await jobs.drain()) === 0) await new Promise((resolve) => setTimeout(resolve, 1000))
  }
} catch (error) {
  if (!(error instanceof RollbackRequestError)) throw error
  console.error(error.message)
  exitCode = 2
} finally {
  await app.close()
}
process.exit(exitCode)
