/**
 * The sellers of the QA seed (spec §11.3), shared by the seed (their `User` rows) and the built-in
 * identity provider (their sign-in data; it hashes the passwords with argon2id). Demo mode uses the
 * same two sellers.
 */
export interface SeededSeller {
  uid: string
  /** The Auth0-style user id: the JWT `sub` and `User.extUid`. */
  extUid: string
  business: string
  role: string
  createdAt: string
  /** The login `username`. */
  email: string
  password: string
  nickname: string
  name: string
}

export const SELLERS: readonly SeededSeller[] = [
  {
    uid: 'cgomqausr0000000000000001',
    extUid: 'auth0|60a000000000000000000001',
    business: 'Abarrotes Ana',
    role: 'seller',
    createdAt: '2020-05-01T15:00:00.000Z',
    email: 'ana.lopez@gom.test',
    password: 'Ana-QA-pass-1',
    nickname: 'ana.lopez',
    name: 'Ana López',
  },
  {
    uid: 'cgomqausr0000000000000002',
    extUid: 'auth0|60a000000000000000000002',
    business: 'Papelería Beto',
    role: 'seller',
    createdAt: '2020-05-02T15:00:00.000Z',
    email: 'beto.ruiz@gom.test',
    password: 'Beto-QA-pass-2',
    nickname: 'beto.ruiz',
    name: 'Beto Ruiz',
  },
]
