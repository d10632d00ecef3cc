/**
 * The first record number of each (SSN, license type) in one upload (a CSV file, or a JSON POST's array), for the
 * duplicate check of §4.1 (a later record repeating both is refused, naming the first). In a CSV ingest it lives as
 * long as the file's ingest, so it is the only state that grows with the file: it keeps numbers in typed arrays, ≈ 12–23 bytes a row, where a `Map` keyed by a number above
 * the small-integer range cost ≈ 60 (its entry and a boxed key each) and grew a 300,000-row ingest's live heap by
 * ≈ 18 MB. No SSN string is kept.
 */
export class FirstRowIndex {
  private readonly byLicenseType = new Map<string, SsnTable>()

  /**
   * The record number of an earlier row with this SSN (`ddd-dd-dddd`, as validated) and license type; when there is
   * none, `record` becomes the first and `undefined` is returned.
   */
  firstOrAdd(ssn: string, licenseType: string, record: number): number | undefined {
    let table = this.byLicenseType.get(licenseType)
    if (table === undefined) this.byLicenseType.set(licenseType, (table = new SsnTable()))
    return table.firstOrAdd(ssnNumber(ssn), record)
  }
}

/** `123-45-6789` → 123456789: at most 999,999,999, so it fits an Int32Array slot. */
function ssnNumber(ssn: string): number {
  if (!/^\d{3}-\d{2}-\d{4}$/.test(ssn)) throw new Error('FirstRowIndex: an SSN is ddd-dd-dddd')
  return Number(ssn.slice(0, 3)) * 1_000_000 + Number(ssn.slice(4, 6)) * 10_000 + Number(ssn.slice(7))
}

const EMPTY = -1
const INITIAL_CAPACITY = 1024
const MAX_LOAD = 0.7

/** SSN number → record number: open addressing with linear probing over two typed arrays, doubled at 70 % full. */
class SsnTable {
  private ssns = new Int32Array(INITIAL_CAPACITY).fill(EMPTY)
  private records = new Uint32Array(INITIAL_CAPACITY)
  private size = 0

  firstOrAdd(ssn: number, record: number): number | undefined {
    const slot = this.slotOf(ssn)
    if (this.ssns[slot] === ssn) return this.records[slot]
    this.ssns[slot] = ssn
    this.records[slot] = record
    if (++this.size > this.ssns.length * MAX_LOAD) this.grow()
    return undefined
  }

  /** The slot holding `ssn`, or the empty slot where it belongs. */
  private slotOf(ssn: number): number {
    const mask = this.ssns.length - 1
    // Fibonacci hashing spreads consecutive SSNs (a state's numbering) over the table.
    let slot = Math.imul(ssn, 0x9e3779b1) >>> 0
    slot = (slot ^ (slot >>> 15)) & mask
    while (this.ssns[slot] !== EMPTY && this.ssns[slot] !== ssn) slot = (slot + 1) & mask
    return slot
  }

  private grow(): void {
    const ssns = this.ssns
    const records = this.records
    this.ssns = new Int32Array(ssns.length * 2).fill(EMPTY)
    this.records = new Uint32Array(ssns.length * 2)
    for (let index = 0; index < ssns.length; index++) {
      if (ssns[index] === EMPTY) continue
      const slot = this.slotOf(ssns[index]!)
      this.ssns[slot] = ssns[index]!
      this.records[slot] = records[index]!
    }
  }
}
