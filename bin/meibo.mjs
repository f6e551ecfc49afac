#!/usr/bin/env node
// `npx meibo <command> …`: meibo's command-line tools without npm's banner in their output, so
// `npx meibo export csv > seats.csv` writes the CSV alone. Runs the TypeScript sources through
// tsx's loader in this same process (signals reach it directly); `serve` runs the server as
// `npm start` does, compiled (src/start.mjs).
const COMMANDS = {
  export: '../src/cli/export.ts',
  amend: '../src/cli/amend.ts',
  token: '../src/cli/token.ts',
  serve: '../src/start.mjs',
};

const [command, ...rest] = process.argv.slice(2);
const script = COMMANDS[command];
if (!script) {
  console.error(`usage: meibo ${Object.keys(COMMANDS).join('|')} …\n  meibo export popolo|csv [--body CODE] [--as-of DAY] [--base-url URL]\n  meibo amend FILE [--dry-run] | --revert INSTRUMENT\n  meibo token NAME\n  meibo serve`);
  process.exit(2);
}
const url = new URL(script, import.meta.url);
// each tool reads its arguments from process.argv.slice(2), as when run on its own
process.argv = [process.argv[0], url.pathname, ...rest];
if (!script.endsWith('.mjs')) (await import('tsx/esm/api')).register();
await import(url.href);
