// The QA seed of spec §11: two sellers, five customers, eleven orders with thirteen items (one
// price each), two promotions and one delivered publication. Every value is the spec's.
import type { Database } from '@hearth/kernel'
import type { Container } from '../src/container.ts'
import { withFactory, type OrderFixture } from './factory.ts'
import { SELLERS } from './sellers.ts'

const U1 = SELLERS[0]!
const U2 = SELLERS[1]!

const customer = (n: number) => `cgomqacus000000000000000${n}`

export const QA_CUSTOMERS = [
  {
    uid: customer(1),
    extUid: 'QaCarmen01',
    name1: 'Carmen',
    name2: null,
    lastName1: 'Díaz',
    lastName2: 'Rojas',
    phone: '5512345671',
    email: 'carmen.diaz@example.com',
    seller: U1,
    createdAt: '2020-05-10T16:00:00.000Z',
  },
  {
    uid: customer(2),
    extUid: 'QaDiegoF02',
    name1: 'Diego',
    name2: 'Andrés',
    lastName1: 'Fuentes',
    lastName2: null,
    phone: '5523456782',
    email: null,
    seller: U1,
    createdAt: '2020-05-11T16:00:00.000Z',
  },
  {
    uid: customer(3),
    extUid: 'QaElenaG03',
    name1: 'Elena',
    name2: null,
    lastName1: 'Gómez',
    lastName2: 'Luna',
    phone: '5534567893',
    email: 'elena.gomez@example.com',
    seller: U1,
    createdAt: '2020-05-12T16:00:00.000Z',
  },
  {
    uid: customer(4),
    extUid: 'QaFerHer04',
    name1: 'Fernando',
    name2: null,
    lastName1: 'Herrera',
    lastName2: 'Soto',
    phone: '3345678904',
    email: null,
    seller: U2,
    createdAt: '2020-05-13T16:00:00.000Z',
  },
  {
    uid: customer(5),
    extUid: 'QaGabIba05',
    name1: 'Gabriela',
    name2: 'Sofía',
    lastName1: 'Ibarra',
    lastName2: null,
    phone: '3356789015',
    email: 'gabriela.ibarra@example.com',
    seller: U2,
    createdAt: '2020-05-14T16:00:00.000Z',
  },
] as const

// [order number, name, stage, customer, createdAt, createdBy, updatedAt, updatedBy]: createdBy/updatedBy
// 'U' = the order's seller, 'C' = its customer.
type OrderLine = [number, string, OrderFixture['stage'], number, string, 'U' | 'C', string | null, 'U' | 'C' | null]
const ORDERS: OrderLine[] = [
  [101, 'Despensa semanal', 'OPEN', 1, '2020-09-01T16:00:00.000Z', 'C', null, null],
  [102, 'Fruta de temporada', 'IN_PROCESS', 1, '2020-09-02T17:30:00.000Z', 'U', '2020-09-02T18:00:00.000Z', 'U'],
  [103, 'Pastel de cumpleaños', 'WON', 1, '2020-08-20T15:00:00.000Z', 'U', '2020-08-22T20:00:00.000Z', 'U'],
  [201, 'Refrescos para la fiesta', 'OPEN', 2, '2020-09-03T19:00:00.000Z', 'C', null, null],
  [202, 'Café en grano', 'CLOSED', 2, '2020-07-15T14:00:00.000Z', 'U', '2020-07-16T14:00:00.000Z', 'C'],
  [301, 'Canasta navideña', 'WON', 3, '2020-06-10T18:00:00.000Z', 'U', '2020-06-12T18:00:00.000Z', 'U'],
  [302, 'Pan dulce', 'CLOSED', 3, '2020-06-20T13:00:00.000Z', 'C', '2020-06-20T15:00:00.000Z', 'U'],
  [401, 'Útiles escolares', 'OPEN', 4, '2020-09-04T15:00:00.000Z', 'C', null, null],
  [402, 'Cartulinas', 'CLOSED', 4, '2020-07-01T16:00:00.000Z', 'U', '2020-07-02T16:00:00.000Z', 'U'],
  [501, 'Agendas 2021', 'WON', 5, '2020-06-15T17:00:00.000Z', 'U', '2020-06-18T17:00:00.000Z', 'U'],
  [502, 'Plumones de colores', 'CLOSED', 5, '2020-07-20T18:00:00.000Z', 'C', '2020-07-21T18:00:00.000Z', 'C'],
]

// [item number, code, quantity, description, provider, amount]; the order is the number's first three digits.
type ItemLine = [number, string, number, string, string, number]
const ITEMS: ItemLine[] = [
  [1011, 'ARR-1K', 2, 'Arroz blanco 1 kg', 'Verde Valle', 28.5],
  [1012, 'FRJ-900', 1, 'Frijol negro 900 g', 'La Costeña', 34],
  [1021, 'MNG-KG', 2.5, 'Mango Ataulfo por kilo', 'Central de Abasto', 42],
  [1031, 'PST-CHO', 1, 'Pastel de chocolate, 12 porciones', 'Pastelería La Espiga', 450],
  [2011, 'REF-2L', 6, 'Refresco de cola 2 L', 'Embotelladora del Valle', 32],
  [2021, 'CAF-500', 2, 'Café de Chiapas 500 g', 'Finca Irlanda', 145],
  [3011, 'CAN-NAV', 1, 'Canasta navideña con 12 productos', 'Abarrotes Ana', 899],
  [3021, 'PAN-CON', 10, 'Concha de vainilla', 'Panadería Santa Fe', 9.5],
  [4011, 'CUA-100', 5, 'Cuaderno profesional 100 hojas', 'Scribe', 38],
  [4012, 'LAP-HB', 12, 'Lápiz HB', 'Mirado', 6.5],
  [4021, 'CRT-BL', 10, 'Cartulina blanca', 'Papelera del Centro', 7],
  [5011, 'AGD-21', 3, 'Agenda 2021 tamaño carta', 'Norma', 189],
  [5021, 'PLM-12', 2, 'Juego de 12 plumones', 'Berol', 96.5],
]

const padded = (n: number, width: number) => String(n).padStart(width, '0')
export const qaOrderUid = (n: number) => `cgomqaord${padded(n, 16)}`

export const QA_PROMOTIONS = [
  {
    uid: 'cgomqaprm0000000000000001',
    code: 'BUENFIN20',
    name: 'Buen Fin: 20% en abarrotes',
    start: '2020-11-13T06:00:00.000Z',
    end: '2020-11-17T05:59:59.000Z',
    category: 'descuento',
    seller: U1,
    createdAt: '2020-11-01T16:00:00.000Z',
    content: '<p>20% de descuento en <strong>todos los abarrotes</strong>.</p><p>Sólo del 13 al 16 de noviembre.</p>',
  },
  {
    uid: 'cgomqaprm0000000000000002',
    code: 'REGRESO10',
    name: 'Regreso a clases: 10%',
    start: '2020-08-10T05:00:00.000Z',
    end: '2020-08-31T05:00:00.000Z',
    category: 'descuento',
    seller: U2,
    createdAt: '2020-08-01T16:00:00.000Z',
    content: '<p>10% en <em>útiles escolares</em> de lista.</p>',
  },
] as const

export async function loadQaSeed(database: Database, container: Pick<Container, 'repositories'>): Promise<void> {
  await withFactory(database, container, async (factory) => {
    for (const seller of SELLERS) await factory.seller(seller)
    for (const bp of QA_CUSTOMERS) await factory.customer({ ...bp, customerOf: bp.seller.uid, createdBy: bp.seller.extUid })
    for (const [number, name, stage, customerNumber, createdAt, createdBy, updatedAt, updatedBy] of ORDERS) {
      const bp = QA_CUSTOMERS[customerNumber - 1]!
      const who = (side: 'U' | 'C' | null) => (side === 'U' ? bp.seller.extUid : side === 'C' ? bp.uid : null)
      const items = ITEMS.filter(([itemNumber]) => Math.floor(itemNumber / 10) === number).map(([itemNumber, code, quantity, description, provider, amount]) => ({
        uid: `cgomqaitm${padded(itemNumber, 16)}`,
        code,
        quantity,
        description,
        provider,
        pricing: [{ uid: `cgomqaprc${padded(itemNumber, 16)}`, amount }],
      }))
      await factory.order({ uid: qaOrderUid(number), name, stage, issuedTo: bp.uid, assignedTo: bp.seller.uid, createdAt, createdBy: who(createdBy), updatedAt, updatedBy: who(updatedBy), items })
    }
    for (const promotion of QA_PROMOTIONS) await factory.promotion({ ...promotion, assignedTo: promotion.seller.uid, createdBy: promotion.seller.extUid })
    await factory.publication({
      uid: 'cgomqapub0000000000000001',
      type: 'NOTIFICATION',
      status: 'DELIVERED',
      delay: 0,
      publishAt: '2020-11-13T15:00:00.000Z',
      promotion: QA_PROMOTIONS[0].uid,
      createdAt: '2020-11-13T15:00:00.000Z',
      createdBy: U1.extUid,
      updatedAt: '2020-11-13T15:00:01.000Z',
      updatedBy: 'system_job:qa-seed',
    })
  })
}
