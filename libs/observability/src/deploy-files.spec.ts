import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRIC_DEFINITIONS, METRIC_NAMES } from './metrics/metric-definitions';

const ROOT = join(__dirname, '..', '..', '..');

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string }>;
}

const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ definition?: string }> };
};

/** Metric names in a PromQL expression: histogram series (_bucket, _sum, _count) count as their histogram. */
function metricsIn(expr: string): string[] {
  const histograms = new Set<string>(
    METRIC_DEFINITIONS.filter((definition) => definition.type === 'histogram').map(
      (definition) => definition.name,
    ),
  );
  return [...expr.matchAll(/\bsmsc_[a-z_]+/g)].map(([name]) => {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return base !== name && histograms.has(base) ? base : name;
  });
}

describe('deploy/grafana/dashboard.json', () => {
  const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  const queried = new Set([
    ...expressions.flatMap(metricsIn),
    ...dashboard.templating.list.flatMap((variable) => metricsIn(variable.definition ?? '')),
  ]);

  it('queries only metrics that the metrics module defines', () => {
    const known = new Set<string>(METRIC_NAMES);
    expect([...queried].filter((name) => !known.has(name))).toEqual([]);
  });

  it('shows every metric of the product somewhere', () => {
    expect(METRIC_NAMES.filter((name) => !queried.has(name))).toEqual([]);
  });

  it('computes latency quantiles from histogram buckets', () => {
    for (const histogram of METRIC_DEFINITIONS.filter((definition) => definition.type === 'histogram')) {
      expect(
        expressions.some(
          (expr) => expr.includes(`histogram_quantile(`) && expr.includes(`${histogram.name}_bucket`),
        ),
      ).toBe(true);
    }
  });

  it('has unique panel ids and a query in every panel that is not a row', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('recognises an unknown metric in a query', () => {
    expect(metricsIn('rate(smsc_submit_resp_seconds_bucket[5m]) + smsc_made_up_total')).toEqual([
      'smsc_submit_resp_seconds',
      'smsc_made_up_total',
    ]);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  const config = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{
      job_name: string;
      metrics_path: string;
      static_configs?: Array<{ targets: string[] }>;
      dns_sd_configs?: Array<{ names: string[]; port: number }>;
    }>;
  };

  it('scrapes /metrics of every app by its compose service name on the HTTP port', () => {
    const targets = config.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap((group) => group.targets),
      ...(job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}`)),
    ]);
    expect(targets.sort()).toEqual(
      [
        'admin-api:8080',
        'aggregator:8080',
        'connector-gatewayapi:8080',
        'connector-infobip:8080',
        'connector-labsmobile:8080',
        'connector-mta:8080',
        'smpp-server:8080',
      ].sort(),
    );
    for (const job of config.scrape_configs) expect(job.metrics_path).toBe('/metrics');
    const jobs = config.scrape_configs.map((job) => job.job_name);
    expect(new Set(jobs).size).toBe(jobs.length);
  });
});
