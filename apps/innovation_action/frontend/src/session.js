// Who is using the workbench, with their roles and the site's name: one request
// (innovation_action.api.get_workbench_session) when the app starts.
import { reactive } from 'vue'
import { get, post } from './api'
import { boot } from './boot'

export const session = reactive({
  loggedIn: Boolean(boot.logged_in),
  loaded: false,
  user: '',
  fullName: '',
  roles: [],
  siteName: '',
})

export async function loadSession() {
  if (!session.loggedIn || session.loaded) return session
  const info = await get('innovation_action.api.get_workbench_session')
  Object.assign(session, {
    loaded: true,
    user: info.user,
    fullName: info.full_name,
    roles: info.roles,
    siteName: info.site_name,
  })
  document.title = info.site_name ? `工作台 - ${info.site_name}` : '工作台'
  return session
}

export const hasRole = (...keys) => keys.some((key) => session.roles.includes(key))

export async function logOut() {
  try {
    await post('logout', {}, { silent: true })
  } finally {
    window.location.assign('/app/login')
  }
}
