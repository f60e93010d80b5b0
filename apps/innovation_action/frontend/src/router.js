// Routes of the workbench, under /app/ (Django answers every /app/… with the same page).
// A page: a component in pages/, a route here (lazy import: each page is its own chunk, so the
// first page stays within its JavaScript budget), and a nav entry in nav.js if it belongs in the menu.
import { createRouter, createWebHistory } from 'vue-router'
import { OFFICE, homePath } from './nav'
import { hasRole, loadSession, session } from './session'
import { sameSitePath } from './links'

const placeholder = () => import('./pages/PlaceholderPage.vue')

const routes = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('./pages/ForgotPasswordPage.vue'),
    meta: { public: true, title: '忘记密码' },
  },
  {
    path: '/update-password',
    name: 'update-password',
    component: () => import('./pages/UpdatePasswordPage.vue'),
    meta: { public: true, title: '设置新密码' },
  },
  // Not a `redirect`: redirects are resolved before the guards below load the session (and its roles).
  { path: '/', name: 'home', component: placeholder, beforeEnter: () => homePath() },
  { path: '/todo', name: 'todo', component: () => import('./pages/TodoPage.vue'), meta: { title: '待办' } },
  { path: '/self-assessment', name: 'self-assessments', component: () => import('./pages/SelfAssessmentListPage.vue'), meta: { title: '自评报告' } },
  {
    path: '/self-assessment/:name',
    name: 'self-assessment',
    component: () => import('./pages/SelfAssessmentPage.vue'),
    meta: { title: '自评报告' },
  },
  { path: '/monthly', name: 'monthly', component: () => import('./pages/MonthlyPage.vue'), meta: { title: '月度调度' } },
  {
    path: '/monthly/:name',
    name: 'monthly-report',
    component: () => import('./pages/MonthlyReportPage.vue'),
    meta: { title: '月度调度' },
  },
  {
    path: '/monthly/project/:name',
    name: 'project-report',
    component: () => import('./pages/ProjectReportPage.vue'),
    meta: { title: '项目月报' },
  },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { title: '仪表盘' } },
  { path: '/records', name: 'records', component: () => import('./pages/RecordsPage.vue'), meta: { title: '记录' } },
  { path: '/review', name: 'review', component: () => import('./pages/ReviewPage.vue'), meta: { title: '审核' } },
  { path: '/review/:name', name: 'review-doc', component: () => import('./pages/ReviewDocPage.vue'), meta: { title: '审核' } },
  { path: '/approval', name: 'approval', component: () => import('./pages/ApprovalPage.vue'), meta: { title: '审定' } },
  { path: '/ranking', name: 'ranking', component: () => import('./pages/RankingPage.vue'), meta: { title: '排名' } },
  // The office's pages (meta.roles: the guard below sends others to 没有权限; the server refuses them anyway).
  { path: '/periods', name: 'periods', component: () => import('./pages/PeriodsPage.vue'), meta: { title: '考评周期', roles: OFFICE } },
  { path: '/notices', name: 'notices', component: () => import('./pages/NoticesPage.vue'), meta: { title: '公文', roles: OFFICE } },
  {
    path: '/official-data',
    name: 'official-data',
    component: () => import('./pages/OfficialDataPage.vue'),
    meta: { title: '核定数据导入', roles: OFFICE },
  },
  { path: '/forbidden', name: 'forbidden', component: () => import('./pages/ForbiddenPage.vue'), meta: { title: '没有权限' } },
  { path: '/notifications', name: 'notifications', component: () => import('./pages/NotificationsPage.vue'), meta: { title: '消息' } },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { title: '页面不存在' },
  },
]

export const router = createRouter({ history: createWebHistory('/app/'), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) {
    if (!session.loggedIn || to.name !== 'login') return true
    // Already logged in: on to the page the login was asked for (Frappe's redirect-to), else the home page.
    const back = sameSitePath(to.query['redirect-to'])
    if (!back) return { path: '/' }
    window.location.assign(back)
    return false
  }
  if (!session.loggedIn) {
    return { name: 'login', query: { next: to.fullPath } }
  }
  await loadSession()
  if (to.meta.roles && !hasRole(...to.meta.roles)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  const title = to.meta.title
  document.title = [title, session.siteName || '工作台'].filter(Boolean).join(' - ')
})
