// Demo data for `npm start`: the QA seed (two sellers with customers, orders, promotions), so
// the banner's logins work at once.
import type { Database } from '@hearth/kernel'
import type { Container } from '../src/container.ts'
import { loadQaSeed, QA_CUSTOMERS } from './qa.ts'
import { SELLERS } from './sellers.ts'

export async function loadDemoSeed(database: Database, container: Pick<Container, 'repositories'>): Promise<void> {
  await loadQaSeed(database, container)
}

/** What the start banner and the portal show: how to sign in as a seller and as a customer. */
export function demoLogins(): Record<string, string> {
  const logins: Record<string, string> = {}
  for (const seller of SELLERS) {
    logins[`seller ${seller.business} — POST /auth/login`] = JSON.stringify({ grantType: 'password', username: seller.email, password: seller.password })
  }
  const customer = QA_CUSTOMERS[0]
  logins[`customer ${customer.name1} ${customer.lastName1} — POST /auth/login`] = JSON.stringify({ grantType: 'phone', username: customer.extUid, phone: customer.phone })
  logins['how'] = 'GET /auth/ping first, then send the csrf-token cookie back as the X-Csrf-Token header'
  return logins
}
