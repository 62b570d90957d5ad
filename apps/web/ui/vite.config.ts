import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import vuetify from 'vite-plugin-vuetify'

// The build is embedded by apps/web/internal/ui and served under /_ui/ on
// every host, so one build works under /account/, /admin/ and on their own
// host names.
export default defineConfig({
  base: '/_ui/',
  plugins: [vue(), vuetify({ autoImport: true })],
  build: {
    outDir: '../internal/ui/dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
})
