// The assessment periods the office works on: quarters and years, newest first; the current one is the
// latest that has started (a `period` query parameter chooses another).
import { getList } from './api'

export async function loadPeriods() {
  const rows = await getList('Assessment Period', {
    fields: JSON.stringify(['name', 'kind', 'start_date']),
    filters: JSON.stringify([['kind', '!=', '月度']]),
    order_by: 'start_date desc',
    limit_page_length: 100,
  })
  return rows.map((row) => ({ ...row, title: periodTitle(row.name) }))
}

export function currentPeriod(rows) {
  const today = new Date().toISOString().slice(0, 10)
  const started = rows.filter((row) => row.start_date <= today)
  return (started[0] || rows[0])?.name || ''
}

// 2023-Q1 → 2023年第1季度, 2023-Y → 2023年度 (other names as they are).
export function periodTitle(name) {
  const quarter = /(\d{4})-Q(\d)$/.exec(name)
  if (quarter) return `${quarter[1]}年第${quarter[2]}季度`
  const year = /(\d{4})-Y$/.exec(name)
  return year ? `${year[1]}年度` : name
}
