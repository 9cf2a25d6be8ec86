import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_SCHEMA } from '@app/config';

const ROOT = join(__dirname, '..');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const knownVariables = new Set(Object.values(CONFIG_SCHEMA).map((key) => key.variable));
/** Services running this repository's code (the others are third-party images configured their own way). */
const ownServices = Object.entries(services).filter(([, service]) => service.command !== undefined);

/** `host:container` with either side a single port or a range `a-b`. */
function mapping(spec: string): { host: number[]; container: number[] } {
  const range = (text: string): number[] => {
    const [from, to = from] = text.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, index) => from + index);
  };
  const [host, container] = spec.split(':');
  return { host: range(host), container: range(container) };
}

describe('docker-compose.yml', () => {
  it('describes the distributed layout with the services the product needs', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'rabbitmq',
        'migrate',
        'smpp-server',
        'connector-infobip',
        'connector-gatewayapi',
        'connector-mta',
        'connector-labsmobile',
        'admin-api',
        'provider-sim',
        'prometheus',
      ]),
    );
    expect(services['smpp-server'].deploy?.replicas).toBe(2);
    expect(services.migrate.command).toEqual(['npm', 'run', 'migration:run']);
  });

  it.each(ownServices)('%s runs an existing package.json script or source file', (_, service) => {
    const command = service.command!;
    if (command[0] === 'npm') {
      expect(command[1]).toBe('run');
      expect(Object.keys(scripts)).toContain(command[2]);
    } else {
      expect(command[0]).toBe('node');
      expect(existsSync(join(ROOT, command[command.length - 1]))).toBe(true);
    }
  });

  it.each(ownServices)('%s sets only known configuration variables', (_, service) => {
    const unknown = Object.keys(service.environment ?? {}).filter((name) => !knownVariables.has(name));
    expect(unknown).toEqual([]);
  });

  it('publishes every host port once, enough for every replica, onto the port the app listens on', () => {
    const taken = new Map<number, string>();
    for (const [name, service] of Object.entries(services)) {
      const env = service.environment ?? {};
      const listening = new Set(
        [env.HTTP_PORT, env.SMPP_PORT, env.SMPP_TLS_PORT].filter((port) => port !== undefined).map(Number),
      );
      for (const spec of service.ports ?? []) {
        const { host, container } = mapping(spec);
        expect(container).toHaveLength(1);
        if (service.command !== undefined)
          expect({ name, port: container[0], listening: listening.has(container[0]) }).toEqual({
            name,
            port: container[0],
            listening: true,
          });
        expect(host.length).toBeGreaterThanOrEqual(service.deploy?.replicas ?? 1);
        for (const port of host) {
          expect({ port, service: name, alsoPublishedBy: taken.get(port) }).toEqual({
            port,
            service: name,
            alsoPublishedBy: undefined,
          });
          taken.set(port, name);
        }
      }
    }
    expect(taken.size).toBeGreaterThan(0);
  });

  it('points the connectors at the simulator ports provider-sim listens on', () => {
    const sim = services['provider-sim'].environment!;
    const simPorts = new Set(
      ['SIM_INFOBIP_PORT', 'SIM_GATEWAYAPI_PORT', 'SIM_MTA_PORT', 'SIM_LABSMOBILE_PORT'].map(
        (key) => sim[key],
      ),
    );
    for (const [name, service] of ownServices.filter(([name]) => name.startsWith('connector-'))) {
      const hosts = Object.entries(service.environment ?? {}).find(([key]) => key.endsWith('_SMPP_HOSTS'));
      expect({ name, hosts: hosts?.[1].split(':')[0] }).toEqual({ name, hosts: 'provider-sim' });
      expect(simPorts.has(hosts![1].split(':')[1])).toBe(true);
    }
  });

  it('depends only on services it defines', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies)
        expect({ name, dependency, defined: dependency in services }).toEqual({
          name,
          dependency,
          defined: true,
        });
    }
  });

  it('lets Prometheus scrape compose services on the HTTP port they serve /metrics on', () => {
    const prometheus = parse(readFileSync(join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: {
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap((config) => config.targets),
      ...(job.dns_sd_configs ?? []).flatMap((config) => config.names.map((host) => `${host}:${config.port}`)),
    ]);
    expect(targets.length).toBeGreaterThan(5);
    for (const target of targets) {
      const [host, port] = target.split(':');
      expect({ target, service: host in services }).toEqual({ target, service: true });
      expect({ target, port: services[host]?.environment?.HTTP_PORT }).toEqual({ target, port });
    }
  });
});
