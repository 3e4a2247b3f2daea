// Compiles contracts/ShoalAnchor.sol with the pinned solcjs from tools/ and writes
// ShoalAnchor.abi.json and ShoalAnchor.bin into the given directory.
// Usage: node scripts/compile-contract.mjs <output-dir>
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsPackage = join(root, 'tools', 'package.json');
if (!existsSync(join(root, 'tools', 'node_modules', 'solc'))) {
  console.error('solc is not installed: run `npm ci --prefix tools` in the repository root');
  process.exit(2);
}
const solc = createRequire(toolsPackage)('solc');
const pinned = JSON.parse(readFileSync(toolsPackage, 'utf8')).devDependencies.solc;
if (!solc.version().startsWith(pinned + '+')) {
  console.error(`installed solc is ${solc.version()} but tools/package.json pins ${pinned}: run \`npm ci --prefix tools\``);
  process.exit(2);
}

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node scripts/compile-contract.mjs <output-dir>');
  process.exit(2);
}

const input = {
  language: 'Solidity',
  sources: { 'ShoalAnchor.sol': { content: readFileSync(join(root, 'contracts', 'ShoalAnchor.sol'), 'utf8') } },
  settings: {
    evmVersion: 'shanghai',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { 'ShoalAnchor.sol': { ShoalAnchor: ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const messages = output.errors ?? [];
for (const m of messages) {
  console.error(m.formattedMessage ?? m.message);
}
if (messages.some((m) => m.severity === 'error')) {
  process.exit(1);
}
const contract = output.contracts['ShoalAnchor.sol'].ShoalAnchor;
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'ShoalAnchor.abi.json'), JSON.stringify(contract.abi, null, 2) + '\n');
writeFileSync(join(outDir, 'ShoalAnchor.bin'), contract.evm.bytecode.object + '\n');
console.log(`compiled ShoalAnchor.sol with solc ${solc.version()} (evm shanghai) into ${outDir}`);
