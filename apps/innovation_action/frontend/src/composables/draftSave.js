// A report's draft saved as the user types (月度调度, 项目月报): a save 1.2 s after the last change, one save
// at a time (typing during a save marks the draft dirty again and saves once more after it), the words that
// say where the draft stands, and no typing lost on leaving the page (keepDraftOnLeave).
import { computed, ref } from 'vue'
import { keepDraftOnLeave } from './keepDraft'

// write(): sends the draft (throws when the server refuses it). editable: a ref, false for a read-only report.
// invalid(): '' or why the draft cannot be sent as it is (it then waits, save() throws that message, and
// invalidText says so next to the draft).
// retryAfter: milliseconds after a failed save to try again; 0 waits for the next change.
export function useDraftSave({ write, editable, invalid = () => '', invalidText = '', retryAfter = 0 }) {
  const dirty = ref(false)
  const saving = ref(false)
  const failed = ref(false)
  let timer = null

  const saveText = computed(() => {
    if (!editable.value) return ''
    if (saving.value) return '正在保存…'
    if (invalid()) return invalidText
    if (failed.value) return '保存失败，稍后自动重试'
    return dirty.value ? '有未保存的修改' : '草稿已保存'
  })

  function later(ms) {
    clearTimeout(timer)
    timer = setTimeout(() => save().catch(() => {}), ms)
  }

  function changed() {
    dirty.value = true
    later(1200)
  }

  async function save() {
    clearTimeout(timer)
    if (saving.value || !dirty.value) return !dirty.value
    const problem = invalid()
    if (problem) throw new Error(problem)
    saving.value = true
    dirty.value = false
    try {
      await write()
      failed.value = false
    } catch (e) {
      dirty.value = true
      failed.value = true
      if (retryAfter) later(retryAfter)
      saving.value = false
      throw e
    }
    saving.value = false
    if (dirty.value) return save()
    return true
  }

  keepDraftOnLeave({ dirty, saving, save })
  return { saveText, changed, save }
}
