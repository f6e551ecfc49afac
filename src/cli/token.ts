// `npm run token -- <name>`: prints a new editor token (give it to the editor) and the
// MEIBO_TOKENS entry holding only its hash (put it in the server's configuration).
import { issueToken } from '../auth.js';

const name = process.argv[2];
if (!name || !/^[\w.@-]+$/.test(name)) {
  console.error('usage: npm run token -- <name>   (letters, digits and . _ @ -)');
  process.exit(2);
}
const { token, entry } = issueToken(name);
console.log(`token (give to ${name}; shown once):\n  ${token}\nMEIBO_TOKENS entry (server configuration):\n  ${entry}`);
