import type { Database } from '@hearth/kernel'
import type { SignatureRepository } from './signature.repository.ts'

export class SignatureService {
  constructor(
    readonly database: Database,
    readonly repository: SignatureRepository,
    readonly maxSkewSeconds: number,
  ) {}
}
