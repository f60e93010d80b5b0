// Long operations (开启考评, 一键催办, 核定数据导入) answer a background job: { job_id, status, ...result }.
// A job that ran at once (a small file, a site without Redis) carries its result already; otherwise
// followJob polls lowcode.api.get_job_status until it ends, reporting its progress, and answers its result.
// A failed job throws an ApiError with the job's Chinese message and, for a refused sheet, its problems.
import { ApiError, get } from './api'

const DONE = ['finished']
const FAILED = ['failed', 'stopped', 'canceled']

export async function followJob(answer, onProgress = () => {}, { interval = 800 } = {}) {
  if (!answer?.job_id || DONE.includes(answer.status)) return answer
  for (;;) {
    await new Promise((resolve) => window.setTimeout(resolve, interval))
    const status = await get('lowcode.api.get_job_status', { job_id: answer.job_id }, { silent: true })
    onProgress(status)
    if (DONE.includes(status.status)) return { job_id: answer.job_id, status: status.status, ...(status.result || {}) }
    if (FAILED.includes(status.status)) {
      const error = new ApiError(status.error || '后台任务未能完成，请稍后再试', { status: 417, body: status })
      error.problems = status.problems || []
      throw error
    }
  }
}

// A refused sheet's problems ("第5行：…"): from a failed job, or from the lines of a 417 answer's message.
export function problemsOf(error) {
  if (error?.problems?.length) return error.problems
  const lines = String(error?.message || '').split('\n').map((line) => line.trim())
  return lines.slice(1).filter(Boolean)
}
