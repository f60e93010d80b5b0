// The workbench's toasts: a short Chinese message at the bottom of the window that goes by itself.
// Our own, instead of frappe-ui's: its toast (reka-ui underneath) makes screen readers say the English
// "Notification" before every message and labels its close button "Close", with no prop to change either.
// Same calls as frappe-ui's: toast.success(message), toast.error(message), toast.info, toast.warning.
import { reactive } from 'vue'

const DURATION = 5000
let counter = 0

export const toasts = reactive([])

export function dismiss(id) {
  const index = toasts.findIndex((item) => item.id === id)
  if (index !== -1) toasts.splice(index, 1)
}

function show(type, message, { duration = DURATION } = {}) {
  const id = ++counter
  toasts.push({ id, type, message: String(message ?? '') })
  if (duration > 0) window.setTimeout(() => dismiss(id), duration)
  return id
}

export const toast = {
  success: (message, options) => show('success', message, options),
  error: (message, options) => show('error', message, options),
  warning: (message, options) => show('warning', message, options),
  info: (message, options) => show('info', message, options),
}
