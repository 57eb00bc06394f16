import type { CaseAction } from '../../case-types.ts';

/** The inputs an action form can ask for; the names are the API's, so a server error's `field` finds its input. */
export type ActionField =
  | 'duplicatesReviewed'
  | 'reason'
  | 'note'
  | 'photos'
  | 'primaryCaseId'
  | 'categoryCode'
  | 'priority'
  | 'departmentId'
  | 'newDeadline'
  | 'reviewDate'
  | 'dueDate'
  | 'gridId'
  | 'districtId'
  | 'callerAnswer';

export interface ActionSpec {
  /** Inputs in the order shown; `required` as the workflow table says. */
  fields: Array<{ name: ActionField; required: boolean }>;
  /** confirm and verify_pass: a note, or a photo, or both. */
  noteOrPhoto?: boolean;
  /** The step that moves the case forward: shown first and as the primary button. */
  forward?: boolean;
  /** Ends the case or throws work away: a red button. */
  danger?: boolean;
}

const req = (name: ActionField) => ({ name, required: true });
const opt = (name: ActionField) => ({ name, required: false });

/** Issue 3's table, from the filler's side: exactly the fields each action needs. */
export const ACTION_SPECS: Partial<Record<CaseAction, ActionSpec>> = {
  accept: { fields: [req('duplicatesReviewed')], forward: true },
  reject: { fields: [req('reason')], danger: true },
  merge: { fields: [req('primaryCaseId')] },
  confirm: { fields: [opt('note'), opt('photos')], noteOrPhoto: true, forward: true },
  refute: { fields: [req('reason')], danger: true },
  register: { fields: [req('categoryCode'), req('priority')], forward: true },
  dispatch: { fields: [req('departmentId')], forward: true },
  reassign: { fields: [req('departmentId'), req('reason')] },
  return: { fields: [req('reason')] },
  start: { fields: [], forward: true },
  // The after-photo is required unless the category waives it; the form decides from the case.
  handle: { fields: [req('note'), req('photos')], forward: true },
  verify_pass: { fields: [opt('note'), opt('photos')], noteOrPhoto: true, forward: true },
  verify_fail: { fields: [req('reason')] },
  close: { fields: [], forward: true },
  reopen: { fields: [req('reason')] },
  callback_done: { fields: [req('callerAnswer')], forward: true },
  request_extension: { fields: [req('newDeadline'), req('reason')] },
  approve_extension: { fields: [], forward: true },
  deny_extension: { fields: [req('reason')] },
  request_park: { fields: [req('reason'), req('reviewDate')] },
  approve_park: { fields: [], forward: true },
  unpark: { fields: [] },
  void: { fields: [req('reason')], danger: true },
  supervise: { fields: [req('note'), opt('dueDate')] },
  reroute: { fields: [req('gridId'), req('reason')] },
  transfer: { fields: [req('districtId'), req('reason')], danger: true },
};

/** The actions to offer, forward steps first, in the table's order otherwise; unknown ones (escalate) are dropped. */
export function offeredActions(actions: readonly string[]): CaseAction[] {
  const known = Object.keys(ACTION_SPECS) as CaseAction[];
  const offered = known.filter((a) => actions.includes(a));
  return [...offered.filter((a) => ACTION_SPECS[a]?.forward), ...offered.filter((a) => !ACTION_SPECS[a]?.forward)];
}

export interface ActionValues {
  duplicatesReviewed?: boolean;
  reason?: string;
  note?: string;
  photos?: File[];
  primaryCaseId?: string;
  categoryCode?: string;
  priority?: string;
  departmentId?: string;
  /** ISO instant, already converted from the server's wall time. */
  newDeadline?: string;
  reviewDate?: string;
  dueDate?: string;
  gridId?: string;
  districtId?: string;
  callerAnswer?: string;
}

/** The request body: only this action's fields, text trimmed, the case version; multipart when photos go along. */
export function actionBody(action: CaseAction, values: ActionValues, version: number): Record<string, unknown> | FormData {
  const spec = ACTION_SPECS[action];
  const body: Record<string, unknown> = { version };
  let photos: File[] = [];
  for (const { name } of spec?.fields ?? []) {
    const v = values[name];
    if (name === 'photos') photos = (v as File[] | undefined) ?? [];
    else if (typeof v === 'string') {
      if (v.trim()) body[name] = v.trim();
    } else if (v !== undefined && v !== null) body[name] = v;
  }
  if (photos.length === 0) return body;
  const form = new FormData();
  for (const [k, v] of Object.entries(body)) form.append(k, String(v));
  for (const p of photos) form.append('photos', p, p.name);
  return form;
}
