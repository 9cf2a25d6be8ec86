import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderSimConfigError } from './provider-sim';

/**
 * A throw-away self-signed P-256 certificate for localhost and 127.0.0.1, made with the `openssl`
 * CLI (node:crypto makes keys but not X.509 certificates). Valid for `days` days.
 */
export function selfSignedCertificate(days = 30): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'provider-sim-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        String(days),
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch (error) {
    throw new ProviderSimConfigError(
      `cannot make a self-signed certificate with openssl (${error instanceof Error ? error.message : String(error)}); set SIM_MTA_TLS_CERT and SIM_MTA_TLS_KEY`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
