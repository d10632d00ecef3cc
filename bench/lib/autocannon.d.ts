// The part of autocannon 9's API the harness uses (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string
      method?: string
      headers?: Record<string, string>
      body?: string
      connections?: number
      duration?: number
      amount?: number
      timeout?: number
      expectBody?: string
      pipelining?: number
      setupClient?: (client: Client) => void
      requests?: RequestSpec[]
    }
    interface RequestSpec {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string
      setupRequest?: (request: RequestSpec, context: Record<string, unknown>) => RequestSpec | undefined
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void
    }
    interface Client {
      on(event: 'response', listener: (client: Client, statusCode: number, resBytes: number, responseTime: number) => void): void
      setBody(body: string): void
      setHeaders(headers: Record<string, string>): void
    }
    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p90: number
      p99: number
      [key: string]: number
    }
    interface Result {
      duration: number
      errors: number
      timeouts: number
      mismatches: number
      non2xx: number
      resets: number
      '2xx': number
      statusCodeStats: Record<string, { count: number }>
      latency: Histogram
      requests: Histogram & { sent: number }
      throughput: Histogram
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>
  export default autocannon
}
