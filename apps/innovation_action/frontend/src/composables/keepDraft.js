// A draft page's typing is never lost on leaving: closing or reloading the tab saves what is pending (and
// asks the browser to confirm), and moving to another page waits for the save, staying put when it fails.
import { onBeforeUnmount } from 'vue'
import { onBeforeRouteLeave } from 'vue-router'
import { toast } from '../toast'

export function keepDraftOnLeave({ dirty, saving, save }) {
  function beforeUnload(event) {
    if (dirty.value || saving.value) {
      save().catch(() => {})
      event.preventDefault()
      event.returnValue = ''
    }
  }
  window.addEventListener('beforeunload', beforeUnload)
  onBeforeUnmount(() => window.removeEventListener('beforeunload', beforeUnload))
  onBeforeRouteLeave(async () => {
    try {
      await save()
    } catch (e) {
      toast.error(`草稿没能保存：${e.message}`)
      return false
    }
    return true
  })
}
