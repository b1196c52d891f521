import { defineConfig } from 'vite';

// The console is served by the API server itself under a strict CSP: no inline script, so no
// inlined module-preload polyfill (every browser the console supports has modulepreload).
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
