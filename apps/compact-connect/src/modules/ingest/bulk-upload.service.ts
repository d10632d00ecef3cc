import type { Database } from '@hearth/kernel'
import type { CompactConnectConfig } from '../../config.ts'
import type { IngestRepository } from './ingest.repository.ts'
import type { IngestService } from './ingest.service.ts'

export class BulkUploadService {
  constructor(
    readonly database: Database,
    readonly repository: IngestRepository,
    readonly ingest: IngestService,
    readonly config: CompactConnectConfig,
  ) {}
}
