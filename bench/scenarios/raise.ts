import type { Scenario } from '../lib/scenario.ts'

const scenario: Scenario = {
  name: 'raise',
  title: 'raise',
  async prepare() {
    throw new Error('the raise scenario is not written yet')
  },
}

export default scenario
