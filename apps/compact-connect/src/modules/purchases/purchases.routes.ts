import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import { PurchaseBody, PurchaseOptionsView, PurchaseResultView } from './purchases.schemas.ts'
import type { PurchasesService } from './purchases.service.ts'
import type { PaymentGateway } from './payment-gateway.ts'

/** §2.3: privilege purchase options and purchase, for practitioners (compact and provider from the token). */
export function purchasesRoutes(app: FastifyInstance, service: PurchasesService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.get(
    '/v1/purchases/privileges/options',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['purchases'],
        operationId: 'getPurchasePrivilegeOptions',
        summary: 'The compact item (fees, payment public fields) and one item per live jurisdiction',
        response: { 200: PurchaseOptionsView, ...errorResponses(401, 403) },
      },
    },
    async (request) => service.options(callerOf(request)),
  )

  routes.post(
    '/v1/purchases/privileges',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['purchases'],
        operationId: 'postPurchasePrivileges',
        summary: 'Buy or renew privileges: checks of §4.6, the Authorize.Net charge, then the privileges (voided if recording fails)',
        body: PurchaseBody,
        response: { 200: PurchaseResultView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => service.purchase(callerOf(request), request.body),
  )
}

const QaPayment = Type.Object({
  transactionId: Type.String(),
  transactionType: Type.String(),
  status: Type.String(),
  amount: Type.String(),
  currencyCode: Type.String(),
  orderDescription: Type.Union([Type.String(), Type.Null()]),
  duplicateWindow: Type.Union([Type.String(), Type.Null()]),
  taxExempt: Type.Union([Type.String(), Type.Null()]),
  dataValue: Type.Union([Type.String(), Type.Null()]),
  lineItems: Type.Array(Type.Object({ itemId: Type.String(), name: Type.String(), description: Type.String(), quantity: Type.String(), unitPrice: Type.String() })),
})

/** §9.9 `GET /qa/payments` (QA mode only): the local Authorize.Net fake's ledger, in the order received. */
export function qaPaymentsRoutes(app: FastifyInstance, gateway: PaymentGateway): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/qa/payments',
    {
      config: { public: true },
      schema: {
        tags: ['qa'],
        operationId: 'qaPayments',
        summary: 'QA only: what the local Authorize.Net fake received (amounts as the decimal strings sent)',
        security: [],
        response: { 200: Type.Object({ transactions: Type.Array(QaPayment) }) },
      },
    },
    async () => {
      const fake = await gateway.fake()
      return {
        transactions: (fake?.transactions ?? []).map((transaction) => ({
          transactionId: transaction.transactionId,
          transactionType: transaction.transactionType,
          status: transaction.status,
          amount: transaction.amount,
          currencyCode: transaction.currencyCode,
          orderDescription: transaction.orderDescription,
          duplicateWindow: transaction.duplicateWindow,
          taxExempt: transaction.taxExempt,
          dataValue: transaction.dataValue,
          lineItems: transaction.lineItems.map((item) => ({ itemId: item.itemId, name: item.name, description: item.description, quantity: item.quantity, unitPrice: item.unitPrice })),
        })),
      }
    },
  )
}
