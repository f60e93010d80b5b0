// The navigation, by role (role keys of apps/innovation_action/roles.py). To add a page: add its route in
// router.js and, if it belongs in the menu, an entry here with the roles that see it.
import { hasRole } from './session'

export const COUNTY = ['county_user', 'unit_liaison']
export const OFFICE = ['office', 'administrator']
export const LEADER = ['leading_group']

export const NAV = [
  { label: '待办', to: '/todo', icon: 'inbox', roles: COUNTY },
  { label: '自评报告', to: '/self-assessment', icon: 'file-text', roles: COUNTY },
  { label: '月度调度', to: '/monthly', icon: 'calendar', roles: COUNTY },
  { label: '仪表盘', to: '/dashboard', icon: 'layout-dashboard', roles: OFFICE },
  { label: '审核', to: '/review', icon: 'clipboard-check', roles: OFFICE },
  { label: '考评周期', to: '/periods', icon: 'calendar-clock', roles: OFFICE },
  { label: '核定数据', to: '/official-data', icon: 'sheet', roles: OFFICE },
  { label: '审定', to: '/approval', icon: 'stamp', roles: LEADER },
  { label: '排名', to: '/ranking', icon: 'trophy', roles: [...OFFICE, ...LEADER] },
  { label: '公文', to: '/notices', icon: 'file-stack', roles: OFFICE },
  { label: '待办', to: '/todo', icon: 'inbox', roles: [...OFFICE, ...LEADER] },
]

export function navItems() {
  return NAV.filter((item) => hasRole(...item.roles))
}

// Where a user lands at /app/: the first page of their menu.
export function homePath() {
  return navItems()[0]?.to || '/todo'
}
