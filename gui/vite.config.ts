import { defineConfig } from 'vite';

// The server serves gui/dist at `/`; `npm run dev -w gui` proxies the API to a server on :8080.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  // The server's certificate is self-signed (generated on its first start): not checked by the dev proxy.
  server: { proxy: { '/api': { target: 'https://127.0.0.1:8080', secure: false } } },
});
