import { createApp } from 'vue'
import App from './App.vue'
import { configKey } from './keys'
import { readConfig } from './config'
import { makeRouter } from './router'
import { accountRoutes } from './account/routes'
import { adminRoutes } from './admin/routes'
import { vuetify } from './plugins'

const config = readConfig()
document.title = config.area === 'admin' ? 'EZSCALE admin' : 'EZSCALE account'
const router = makeRouter(config, config.area === 'admin' ? adminRoutes : accountRoutes)

createApp(App).provide(configKey, config).use(router).use(vuetify).mount('#app')
