/**
 * A test factory: sensible defaults per sequence number, overridden per call, inserted through the
 * app's own code (a repository or a service), so a test names only the fields it cares about and
 * every row obeys the same rules and defaults as rows the API writes.
 *
 *   const users = defineFactory({
 *     defaults: (n) => ({ displayName: `user ${n}`, firebaseId: `firebase-${n}`, roleId: ROLE.user }),
 *     create: (values) => new UsersRepository().create(database.db, values),
 *   })
 *   const id = await users.create({ roleId: ROLE.blocked })
 */
export interface Factory<Input, Output> {
  /** The values `create` would insert: defaults for the next sequence number, then `overrides`. */
  build(overrides?: Partial<Input>): Input
  create(overrides?: Partial<Input>): Promise<Output>
  createMany(count: number, overrides?: Partial<Input> | ((index: number) => Partial<Input>)): Promise<Output[]>
}

export function defineFactory<Input extends object, Output>(options: { defaults(sequence: number): Input; create(values: Input): Promise<Output> }): Factory<Input, Output> {
  let sequence = 0
  const build = (overrides?: Partial<Input>): Input => ({ ...options.defaults(++sequence), ...overrides })
  return {
    build,
    create: (overrides) => options.create(build(overrides)),
    async createMany(count, overrides) {
      const created: Output[] = []
      for (let index = 0; index < count; index++) created.push(await options.create(build(typeof overrides === 'function' ? overrides(index) : overrides)))
      return created
    },
  }
}
