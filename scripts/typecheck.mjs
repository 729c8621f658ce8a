#!/usr/bin/env node
// Typechecks every TypeScript project of the repository (strict mode, no emit).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECTS = ['packages/protocol', 'packages/server', 'packages/client', 'packages/client/test', 'apps/web/test', 'packages/server/test/sfu', 'packages/react', 'packages/cli', 'apps/web', 'e2e', 'bench'];
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

for (const project of PROJECTS) {
  if (!fs.existsSync(path.join(root, project, 'tsconfig.json'))) continue;
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`typecheck: ${project} has type errors`);
    process.exit(1);
  }
}
console.log(`typecheck: ${PROJECTS.length} projects clean`);
