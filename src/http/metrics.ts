import client from 'prom-client';

/** Prometheus metrics for one process. A fresh registry per app keeps tests independent. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'chorus_' });
  const httpRequests = new client.Counter({
    name: 'chorus_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'chorus_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobs = new client.Counter({
    name: 'chorus_jobs_total',
    help: 'Jobs run by name and outcome',
    labelNames: ['name', 'outcome'] as const,
    registers: [registry],
  });
  const jobDuration = new client.Histogram({
    name: 'chorus_job_duration_seconds',
    help: 'Job run time by name',
    labelNames: ['name'] as const,
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    observeJob(name: string, outcome: string, seconds: number) {
      jobs.inc({ name, outcome });
      jobDuration.observe({ name }, seconds);
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
