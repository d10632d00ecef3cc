import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * One Prometheus registry per app (several apps may share a process under `npm start`): request
 * counts and latency histograms per route, plus the process's own metrics.
 */
export interface AppMetrics {
  readonly registry: Registry
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void
}

export function createMetrics(app: string, options: { processMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry()
  registry.setDefaultLabels({ app })
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  return {
    registry,
    observeRequest({ method, route, status }, seconds) {
      const labels = { method, route, status_code: String(status) }
      requests.inc(labels)
      duration.observe(labels, seconds)
    },
  }
}
