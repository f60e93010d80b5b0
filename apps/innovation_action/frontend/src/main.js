import { createApp } from 'vue'
import App from './App.vue'
import { setup } from './api'
import { router } from './router'
import './index.css'

setup()
createApp(App).use(router).mount('#app')
