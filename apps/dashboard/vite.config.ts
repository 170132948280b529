import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves the dashboard with hot reload and sends /v1 to the API
// started by `npm start` (or `npm run api`), so the browser sees one origin.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/v1': 'http://localhost:3000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Written next to the build for debugging, never referenced from it; the API does not serve them.
    sourcemap: 'hidden',
  },
});
