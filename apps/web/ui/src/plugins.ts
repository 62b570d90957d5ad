import { createVuetify } from 'vuetify'
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg'
import 'vuetify/styles'

// Components and directives are imported where they are used
// (vite-plugin-vuetify autoImport), so the bundle holds only those; icons
// are SVG paths from @mdi/js, imported one by one.
export const vuetify = createVuetify({
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  theme: { defaultTheme: 'light' },
})
