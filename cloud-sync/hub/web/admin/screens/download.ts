/**
 * Saving a file the hub sent (a CSV export fetched with the session's Authorization header, which a plain
 * link cannot send): an object URL on a temporary download link, released once the download has surely started.
 */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after the click returns: the URL is released a minute later, not at once.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
