import type { Scenario } from '../lib/scenario.ts'

const scenario: Scenario = {
  name: 'send-a-hug',
  title: 'send-a-hug',
  async prepare() {
    throw new Error('the send-a-hug scenario is not written yet')
  },
}

export default scenario
