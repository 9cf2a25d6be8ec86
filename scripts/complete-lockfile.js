// The npm registry reachable from our build machines serves only the linux-x64 builds of packages that ship native
// binaries per platform, so `npm install` writes a package-lock.json without the other platforms' optional entries,
// and `npm ci` then refuses the lockfile ("Missing: @swc/core-darwin-arm64@ from lock file"). This adds those
// optional entries back (version, os, cpu; npm skips them on a platform they do not match, without fetching them).
// Run after any `npm install` that changes @swc/core or unrs-resolver: `node scripts/complete-lockfile.js`.
'use strict';
const fs = require('fs');
const path = require('path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

const platform = (name) => {
  const tail = name.slice(name.lastIndexOf('/') + 1).replace(/^(core|resolver-binding)-/, '');
  const [os, cpu] = tail.split('-');
  return { os, cpu: cpu === 'arm' ? 'arm' : cpu };
};

let added = 0;
for (const parentPath of ['node_modules/@swc/core', 'node_modules/unrs-resolver']) {
  const parent = lock.packages[parentPath];
  if (parent === undefined) continue;
  const manifest = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', parentPath, 'package.json'), 'utf8'),
  );
  const optional = manifest.optionalDependencies ?? {};
  parent.optionalDependencies = { ...optional };
  for (const [name, version] of Object.entries(optional)) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] !== undefined) continue;
    const { os, cpu } = platform(name);
    lock.packages[key] = {
      version: version.replace(/^[\^~=]/, ''),
      ...(parent.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} optional platform entries added`);
