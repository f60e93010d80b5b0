// The workbench (/app/): built into ../static/workbench/ (gitignored), served by Django (apps/innovation_action/workbench.py).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import frappeui from 'frappe-ui/vite'

const here = path.dirname(fileURLToPath(import.meta.url))

// WhiteNoise serves a file's .gz twin to browsers that accept gzip: write one beside each script and style.
function gzipTwins() {
  let outDir
  return {
    name: 'workbench-gzip-twins',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    writeBundle(_options, bundle) {
      for (const [fileName, chunk] of Object.entries(bundle)) {
        if (/\.(js|css)$/.test(fileName)) {
          const source = chunk.type === 'chunk' ? chunk.code : chunk.source
          writeFileSync(path.join(outDir, `${fileName}.gz`), gzipSync(source, { level: 9 }))
        }
      }
    },
  }
}

export default defineConfig({
  // Asset URLs as WhiteNoise serves the app's static folder (STATIC_URL "static/").
  base: '/static/workbench/',
  plugins: [
    // Only frappe-ui's icon auto-import: its proxy, boot-data and build plugins assume a Frappe bench.
    frappeui({ frappeProxy: false, jinjaBootData: false, buildConfig: false, lucideIcons: true }),
    vue(),
    gzipTwins(),
  ],
  resolve: { alias: { '@': path.resolve(here, 'src') } },
  build: {
    outDir: path.resolve(here, '../static/workbench'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
})
