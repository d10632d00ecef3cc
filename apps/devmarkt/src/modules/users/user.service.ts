import type { Database } from '@hearth/kernel'
import type { DevmarktCaches } from '../../cache/caches.ts'
import type { Role } from '../../permissions.ts'
import { failure, type Failure } from '../shared/failure.ts'
import type { PublicUserId, UserRepository, UserRow } from './user.repository.ts'
import { isBuiltInAdmin, isReservedType } from './user.rules.ts'

export class UserService {
  constructor(
    private readonly database: Database,
    private readonly users: UserRepository,
    private readonly caches: DevmarktCaches,
  ) {}

  async byPublicId(id: PublicUserId): Promise<UserRow | Failure> {
    return (await this.users.findByPublicId(this.database.db, id)) ?? failure('NOT_FOUND')
  }

  async create(id: PublicUserId, role: Role): Promise<UserRow | Failure> {
    if (isReservedType(id.type)) return failure('RESERVED_USER_TYPE')
    return (await this.users.insert(this.database.db, id, role)) ?? failure('DUPLICATED')
  }

  /** Deletes the user with its applications (no application events), ending its subscriptions and cached rows everywhere. */
  async delete(id: PublicUserId): Promise<boolean> {
    if (isReservedType(id.type)) return false
    const deleted = await this.users.delete(this.database.db, id)
    if (!deleted) return false
    await this.caches.userChanged(deleted.id)
    return true
  }

  /** Changes the role, evicts the cached row and ends the subscriptions in every process, so the new role applies at once. */
  async updateRole(id: PublicUserId, role: Role): Promise<UserRow | Failure> {
    if (isBuiltInAdmin(id)) return failure('ADMIN_USER_CANT_BE_MODIFIED')
    if (isReservedType(id.type)) return failure('RESERVED_USER_TYPE')
    const updated = await this.users.updateRole(this.database.db, id, role)
    if (!updated) return failure('NOT_FOUND')
    await this.caches.userChanged(updated.id)
    return updated
  }
}
