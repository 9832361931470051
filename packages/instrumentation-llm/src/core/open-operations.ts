/**
 * The operations started and not yet ended, so that the final flush can end them: a call the process
 * leaves unfinished (a stream in flight when an unhandled SIGTERM ends it, a stream or a result the app
 * never read before the event loop emptied) was sent, and the provider bills it, so the meter counts it
 * as a failed call with no stated usage instead of losing it.
 *
 * A doubly linked list through the operations themselves: adding and removing one costs a few field
 * writes and allocates nothing, on every call. It is bounded: an operation the app abandons without
 * ending (a stream dropped half read) stays listed only until MAX_LISTED newer ones push it out,
 * so that the list never keeps memory alive for good (as before, such an operation then goes
 * unreported).
 */

import { instrumentationDiag } from './safe';

/** What the list needs of an operation. */
export interface Listable {
  prevOpen: Listable | undefined;
  nextOpen: Listable | undefined;
  listed: boolean;
  /** Ends the operation as left unfinished by the process (removes it from the list). */
  endUnfinished(): void;
}

/** Operations listed at most: what abandoned ones can hold on to is bounded by this many operations. */
export const MAX_LISTED = 1024;

/** Newest first (head), oldest last (tail). */
let head: Listable | undefined;
let tail: Listable | undefined;
let count = 0;

export function listOpen(op: Listable): void {
  op.nextOpen = head;
  op.prevOpen = undefined;
  if (head !== undefined) head.prevOpen = op;
  else tail = op;
  head = op;
  op.listed = true;
  if (++count > MAX_LISTED) unlistOpen(tail!);
}

export function unlistOpen(op: Listable): void {
  if (!op.listed) return;
  op.listed = false;
  const { prevOpen, nextOpen } = op;
  if (prevOpen !== undefined) prevOpen.nextOpen = nextOpen;
  else head = nextOpen;
  if (nextOpen !== undefined) nextOpen.prevOpen = prevOpen;
  else tail = prevOpen;
  op.prevOpen = op.nextOpen = undefined;
  count--;
}

/** How many operations are listed (for tests and diagnostics). */
export function openCount(): number {
  return count;
}

/**
 * Ends every listed operation as unfinished: called by the final flush, right before the pipeline
 * stops, when nothing listed can end any more. Returns how many it ended.
 */
export function endOpenOperations(): number {
  const open: Listable[] = [];
  for (let op = head; op !== undefined; op = op.nextOpen) open.push(op);
  for (const op of open) {
    try {
      op.endUnfinished();
    } catch (error) {
      unlistOpen(op);
      instrumentationDiag.error('tokenpath: ending a call the process left unfinished failed; it goes unreported', error);
    }
  }
  return open.length;
}
