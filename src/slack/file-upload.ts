/**
 * Uploads a file to someone's DM with Slack's external-upload flow (get URL → POST bytes →
 * complete), streaming it from disk so that large exports never sit in memory.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { SlackApi } from './slack-api';

export async function uploadToDm(
  client: SlackApi,
  slackUserId: string,
  file: { path: string; filename: string; title: string; comment: string },
) {
  const { size } = await stat(file.path);
  const dm = await client.conversations.open({ users: slackUserId });
  const channel = dm.channel?.id as string;
  const target = await client.files.getUploadURLExternal({ filename: file.filename, length: size });
  const response = await fetch(
    target.upload_url as string,
    {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: Readable.toWeb(createReadStream(file.path)) as ReadableStream,
      duplex: 'half',
    } as RequestInit,
  );
  if (!response.ok) throw new Error(`the file upload was refused (${response.status})`);
  await client.files.completeUploadExternal({
    files: [{ id: target.file_id as string, title: file.title }],
    channel_id: channel,
    initial_comment: file.comment,
  });
}
