// What the page knows of the workspace (its people and channels), for mentions and pickers; the page
// updates it from each state it receives.

/** @type {{ people: { slackId: string, name: string }[], channels: { id: string, name: string }[] }} */
export const workspace = { people: [], channels: [] };
