// Builds the page into web/dist (served by src/http/page.ts): index.html and content-hashed
// files under /assets/, nothing loaded from another host.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // JSX for Preact (Vite 8 transforms with oxc)
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // one small module graph: no preload helper fetching anything beside the entry
    modulePreload: false,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: { proxy: { '/graphql': 'http://localhost:4000' } },
});
