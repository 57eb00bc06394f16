import { EventEmitter } from 'node:events';

/** What a live client hears about a case: enough to filter by scope and refresh, never personal data. */
export interface CaseEvent {
  type: 'case.created' | 'case.changed';
  caseId: string;
  number: string;
  path: string;
  gridId: string | null;
  departmentId: string | null;
  state: string;
  action: string;
  at: string;
}

/**
 * In-process fan-out of case events to server-sent-event connections. With several server processes the same
 * events also travel through PostgreSQL NOTIFY (see notify.ts), so every process's clients hear every change.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(e: CaseEvent): void {
    this.emitter.emit('event', e);
  }

  subscribe(fn: (e: CaseEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
}
