// The workbench talks to the server only through our Frappe API (/api/method/…, /api/resource/…).
// `call` / `get` / `post` return the answer's `message`; an error answer becomes an ApiError whose
// `message` is the server's Chinese text (exc_type, _server_messages, message), and is shown as a toast
// unless the caller passes { silent: true }. frappe-ui's createResource / createListResource /
// createDocumentResource use the same fetcher (see setup() below).
import { setConfig } from 'frappe-ui'
import { toast } from './toast'
import { boot } from './boot'

export class ApiError extends Error {
  constructor(message, { status = 0, excType = '', body = null } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.excType = excType
    this.body = body
    // frappe-ui components (ErrorMessage) read `messages`.
    this.messages = [message]
  }
}

const STATUS_WORDS = {
  401: '登录已失效，请重新登录',
  403: '你没有权限执行此操作',
  404: '要找的内容不存在',
  409: '内容已被他人修改，请刷新后再试',
  413: '内容过大',
  417: '提交的内容有误',
  429: '操作过于频繁，请稍后再试',
}

function stripTags(text) {
  return String(text).replace(/<[^>]*>/g, '').trim()
}

// The Chinese sentence an error answer carries: _server_messages first (what Frappe's desk shows), then message.
export function errorText(body, status) {
  if (body && typeof body === 'object') {
    if (body._server_messages) {
      try {
        const texts = JSON.parse(body._server_messages).map((entry) => {
          try {
            return JSON.parse(entry).message
          } catch {
            return entry
          }
        })
        const text = texts.filter(Boolean).map(stripTags).join('；')
        if (text) return text
      } catch {
        /* fall through */
      }
    }
    if (typeof body.message === 'string' && body.message) return stripTags(body.message)
    if (body._error_message) return stripTags(body._error_message)
    if (Array.isArray(body.errors) && body.errors[0]?.message) return stripTags(body.errors[0].message)
  }
  if (STATUS_WORDS[status]) return STATUS_WORDS[status]
  if (status >= 500) return '服务器出错了，请稍后再试；如果一直出错，请联系管理员'
  return '网络连接失败，请检查网络后再试'
}

export function methodUrl(method) {
  return method.startsWith('/') ? method : `/api/method/${method}`
}

function queryString(params) {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null) continue
    query.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value))
  }
  const text = query.toString()
  return text ? `?${text}` : ''
}

// One request. `url` is a method name ("frappe.client.get_list") or a path ("/api/resource/Task").
export async function request({ url, params, method = 'GET', silent = false, whole = false } = {}) {
  const verb = method.toUpperCase()
  const headers = { Accept: 'application/json' }
  if (window.csrf_token) headers['X-Frappe-CSRF-Token'] = window.csrf_token
  let target = methodUrl(url)
  let body
  if (verb === 'GET' || verb === 'HEAD') {
    target += queryString(params)
  } else if (params instanceof FormData) {
    body = params
  } else {
    headers['Content-Type'] = 'application/json; charset=utf-8'
    body = JSON.stringify(params || {})
  }
  let response
  try {
    response = await fetch(target, { method: verb, headers, body, credentials: 'same-origin' })
  } catch {
    return fail(new ApiError(errorText(null, 0)), silent)
  }
  let data = null
  try {
    data = await response.json()
  } catch {
    data = null
  }
  if (!response.ok) {
    const error = new ApiError(errorText(data, response.status), {
      status: response.status,
      excType: data?.exc_type || '',
      body: data,
    })
    if (loggedOut(response.status, data)) {
      goToLogin()
    }
    return fail(error, silent)
  }
  if (whole) return data
  // /api/method answers { message }, /api/resource answers { data }.
  if (data && typeof data === 'object') {
    if ('message' in data) return data.message
    if ('data' in data) return data.data
  }
  return data
}

// Whether an error answer means "you are not logged in any more" rather than "you may not do this".
// Frappe refuses a guest with 403 PermissionError, as it refuses a logged-in user without the right; what tells
// them apart is the session: Frappe adds session_expired when the session cookie was stale, and a login sets
// the readable user_id cookie that logout and an expired session delete (apps/lowcode/auth/user_cookies.py).
// A 401 is a wrong credential, SessionExpired an ended session: both send the user to log in too.
export function loggedOut(status, data) {
  if (status === 401 || data?.exc_type === 'SessionExpired' || data?.session_expired) return true
  return status === 403 && !loggedInUser()
}

function loggedInUser() {
  const cookie = document.cookie.split('; ').find((part) => part.startsWith('user_id='))
  const user = cookie ? decodeURIComponent(cookie.slice('user_id='.length)) : ''
  return user === 'Guest' ? '' : user
}

function fail(error, silent) {
  if (!silent) showError(error)
  throw error
}

export function showError(error) {
  toast.error(error?.message && /[\u4e00-\u9fff]/.test(error.message) ? error.message : errorText(null, error?.status || 0))
}

export function goToLogin() {
  if (!window.location.pathname.startsWith('/app/login')) {
    const next = window.location.pathname.replace(/^\/app(?=\/)/, '') + window.location.search
    window.location.assign(`/app/login?next=${encodeURIComponent(next)}`)
  }
}

export const get = (url, params, options = {}) => request({ ...options, url, params, method: 'GET' })
export const post = (url, params, options = {}) => request({ ...options, url, params, method: 'POST' })

// Documents through the resource routes (/api/resource/<doctype>/<name>).
export const resourceUrl = (doctype, name) =>
  `/api/resource/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`
export const getDoc = (doctype, name, options) => get(resourceUrl(doctype, name), undefined, options)
export const getList = (doctype, params, options) => get(resourceUrl(doctype), params, options)
export const updateDoc = (doctype, name, values, options) =>
  request({ ...options, url: resourceUrl(doctype, name), params: values, method: 'PUT' })

// frappe-ui's resources (createResource({ url, params, method: 'GET' }), …) go through `request` too;
// an error with no onError of its own is shown as a toast (already done by request, so nothing more here).
export function setup() {
  setConfig('resourceFetcher', (options) => request({ ...options, method: options.method || 'POST', silent: true }))
  setConfig('fallbackErrorHandler', showError)
  window.csrf_token = boot.csrf_token
}
