/**
 * What the playground's Slack shows: channel and DM messages (ephemeral ones only to their person),
 * each person's App Home and stack of open modals, and the files Roster uploaded. Every change bumps
 * one revision, which the page waits on.
 */
import { randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

export interface ShownMessage {
  /** The message's timestamp, Slack's id for it within its channel. */
  ts: string;
  channel: string;
  /** `roster`, or the Slack ID of the person who typed it. */
  from: string;
  text: string;
  blocks: Json[];
  /** Seen only by this person ("Only visible to you"). */
  ephemeralTo?: string;
  files?: { id: string; name: string }[];
}

export interface ShownView {
  id: string;
  /** Whose it is: a modal is open for, and an App Home published to, one person. */
  slackId: string;
  view: Json;
  hash: string;
  /** Errors a submission was answered with, by block ID. */
  errors?: Record<string, string>;
}

export interface StoredFile {
  name: string;
  bytes: Buffer;
}

export function createSurfaces() {
  let revision = 0;
  let ts = Math.floor(Date.now() / 1000);
  let counter = 0;
  const messages: ShownMessage[] = [];
  const homes = new Map<string, ShownView>();
  const modals = new Map<string, ShownView[]>();
  const files = new Map<string, StoredFile>();
  let waiters: (() => void)[] = [];

  function bump() {
    revision += 1;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }

  /** Slack gives every block and element without an ID one of its own; the page and the submissions use them. */
  function withIds(view: Json): Json {
    const blocks = Array.isArray(view.blocks) ? (view.blocks as Json[]) : [];
    return { ...view, blocks: blocks.map(withBlockIds) };
  }

  function withBlockIds(block: Json): Json {
    const id = (block.block_id as string | undefined) ?? `b${++counter}`;
    const element = block.element as Json | undefined;
    const accessory = block.accessory as Json | undefined;
    const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : undefined;
    return {
      ...block,
      block_id: id,
      ...(element ? { element: withActionId(element) } : {}),
      ...(accessory ? { accessory: withActionId(accessory) } : {}),
      ...(elements && block.type === 'actions' ? { elements: elements.map(withActionId) } : {}),
    };
  }

  function withActionId(element: Json): Json {
    return element.action_id ? element : { ...element, action_id: `a${++counter}` };
  }

  function nextTs(): string {
    ts += 1;
    return `${ts}.${String(++counter).padStart(6, '0')}`;
  }

  const surfaces = {
    get revision() {
      return revision;
    },

    /** Resolves once the revision passes `since`, or after `timeoutMs`. */
    changedSince(since: number, timeoutMs: number): Promise<void> {
      if (revision > since) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((wake) => wake !== done);
          resolve();
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(done);
      });
    },

    post(message: Omit<ShownMessage, 'ts' | 'blocks'> & { blocks?: unknown }): ShownMessage {
      const shown: ShownMessage = {
        ...message,
        ts: nextTs(),
        blocks: Array.isArray(message.blocks) ? (message.blocks as Json[]).map(withBlockIds) : [],
      };
      messages.push(shown);
      bump();
      return shown;
    },

    /** Replaces a message's text and blocks; false when there is no such message. */
    update(channel: string, messageTs: string, content: { text?: string; blocks?: unknown }): boolean {
      const found = messages.find((message) => message.channel === channel && message.ts === messageTs);
      if (!found) return false;
      found.text = content.text ?? found.text;
      if (Array.isArray(content.blocks)) found.blocks = (content.blocks as Json[]).map(withBlockIds);
      bump();
      return true;
    },

    remove(channel: string, messageTs: string) {
      const index = messages.findIndex((message) => message.channel === channel && message.ts === messageTs);
      if (index >= 0) messages.splice(index, 1);
      bump();
    },

    /** The messages of a channel that `slackId` may see, oldest first. */
    messagesIn(channel: string, slackId: string): ShownMessage[] {
      return messages.filter(
        (message) => message.channel === channel && (!message.ephemeralTo || message.ephemeralTo === slackId),
      );
    },

    message(channel: string, messageTs: string): ShownMessage | undefined {
      return messages.find((message) => message.channel === channel && message.ts === messageTs);
    },

    publishHome(slackId: string, view: Json): ShownView {
      const shown: ShownView = {
        id: homes.get(slackId)?.id ?? `VH${++counter}`,
        slackId,
        view: withIds(view),
        hash: randomUUID(),
      };
      homes.set(slackId, shown);
      bump();
      return shown;
    },

    home: (slackId: string) => homes.get(slackId),

    openModal(slackId: string, view: Json, push = false): ShownView {
      const shown: ShownView = { id: `VM${++counter}`, slackId, view: withIds(view), hash: randomUUID() };
      const stack = push ? (modals.get(slackId) ?? []) : [];
      modals.set(slackId, [...stack, shown]);
      bump();
      return shown;
    },

    /** The open modal or App Home with this ID. */
    view(viewId: string): ShownView | undefined {
      for (const stack of modals.values()) {
        const found = stack.find((view) => view.id === viewId);
        if (found) return found;
      }
      return [...homes.values()].find((view) => view.id === viewId);
    },

    /** Replaces an open view in place (`views.update`); undefined when it is no longer open. */
    updateView(viewId: string, view: Json): ShownView | undefined {
      const found = surfaces.view(viewId);
      if (!found) return undefined;
      found.view = withIds(view);
      found.hash = randomUUID();
      found.errors = undefined;
      bump();
      return found;
    },

    showErrors(viewId: string, errors: Record<string, string>) {
      const found = surfaces.view(viewId);
      if (found) found.errors = errors;
      bump();
    },

    /** The modal on top of `slackId`'s stack. */
    topModal(slackId: string): ShownView | undefined {
      return modals.get(slackId)?.at(-1);
    },

    /** Closes the top modal (`all`: every one, as `response_action: clear` does). */
    closeModal(slackId: string, all = false) {
      const stack = modals.get(slackId) ?? [];
      modals.set(slackId, all ? [] : stack.slice(0, -1));
      bump();
    },

    /** Something else the page shows changed (an e-mail arrived, the clock moved). */
    touch: bump,

    addFile(id: string, file: StoredFile) {
      files.set(id, file);
    },

    file: (id: string) => files.get(id),
  };
  return surfaces;
}

export type Surfaces = ReturnType<typeof createSurfaces>;
