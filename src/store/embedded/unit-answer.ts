/**
 * One unit's answer as PostgreSQL would send it. PGlite 0.4 answers an extended-protocol message that
 * fails with ErrorResponse and at once a ReadyForQuery, then processes what follows in the unit and
 * answers the Sync with another ReadyForQuery (electric-sql/pglite#958). A client counts ReadyForQuery
 * to pair answers with queries: the extra one shifts every later answer on that connection by one, so a
 * query would silently get the previous one's rows. PostgreSQL, after an error, discards the unit's
 * messages up to the Sync and sends one ReadyForQuery, for the Sync. So: after an ErrorResponse nothing
 * more of the unit is passed on but its last ReadyForQuery, and a unit that ends with Flush (no Sync)
 * gets none.
 */

const READY_FOR_QUERY = 0x5a;
const ERROR_RESPONSE = 0x45;

/** Filters a unit's answer as it streams (`push`), handing on what PostgreSQL would send (`forward`). */
export function unitAnswer(options: { endsWithSync: boolean; forward: (chunk: Buffer) => void }) {
  let carry: Buffer = Buffer.alloc(0);
  let failed = false;
  let ready: Buffer | undefined;
  return {
    /** Takes the next chunk of the backend's answer (messages may span chunks). */
    push(data: Buffer): void {
      const bytes = carry.length > 0 ? Buffer.concat([carry, data]) : data;
      const kept: Buffer[] = [];
      let from = 0;
      let at = 0;
      const keepUpTo = (end: number) => {
        if (end > from) kept.push(bytes.subarray(from, end));
      };
      while (bytes.length - at >= 5) {
        const end = at + 1 + bytes.readInt32BE(at + 1);
        if (end > bytes.length) break;
        const type = bytes[at];
        if (type === READY_FOR_QUERY || failed) {
          // Held back (ReadyForQuery: only the unit's last one goes out) or dropped (after an error).
          keepUpTo(at);
          if (type === READY_FOR_QUERY) ready = Buffer.from(bytes.subarray(at, end));
          from = end;
        } else if (type === ERROR_RESPONSE) {
          failed = true;
        }
        at = end;
      }
      keepUpTo(at);
      carry = Buffer.from(bytes.subarray(at));
      if (kept.length > 0) options.forward(kept.length === 1 ? (kept[0] as Buffer) : Buffer.concat(kept));
    },
    /** Ends the unit: its last ReadyForQuery goes out (when it ends with Sync); answers its transaction status. */
    end(): number | undefined {
      if (ready && options.endsWithSync) options.forward(ready);
      return ready?.length === 6 ? ready[5] : undefined;
    },
  };
}
