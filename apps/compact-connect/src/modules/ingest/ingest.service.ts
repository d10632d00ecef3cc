import type { Database, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { LicensesRepository } from '../licenses/licenses.repository.ts'
import type { SsnService } from '../licenses/ssn.service.ts'
import type { IngestRepository } from './ingest.repository.ts'

type Logger = { error(object: unknown, message?: string): void }

export class IngestService {
  constructor(
    readonly database: Database,
    readonly licenses: LicensesRepository,
    readonly repository: IngestRepository,
    readonly ssn: SsnService,
    readonly jobs: JobRunner<CompactConnectJobs>,
    readonly events: EventBus<CompactConnectEvents>,
    readonly log: Logger,
  ) {}

  async processBatch(_payload: CompactConnectJobs['license.ingest'], _idempotencyKey: string | null): Promise<void> {}

  async cascadeLicenseDeactivation(_payload: CompactConnectJobs['license.deactivation']): Promise<void> {}
}
