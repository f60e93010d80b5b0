// The colour of a deadline badge ({late, days_left, text} from the server's `deadline_of`): red when
// late, orange in the last three days, green before; gray when the item has no deadline at all.
export function deadlineTheme(deadline) {
  if (deadline.late) return 'red'
  if (deadline.days_left !== null && deadline.days_left <= 3) return 'orange'
  return deadline.days_left === null ? 'gray' : 'green'
}
