import { parse } from '@0no-co/graphql.web';
import { pageDocuments, readmeDocuments } from '../src/cli/trusted-documents.js';
for (const t of [...pageDocuments(), ...readmeDocuments()]) { try { parse(t); } catch (e) { console.log('BAD:', JSON.stringify(t).slice(0, 300)); } }
