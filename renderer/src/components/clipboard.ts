/**
 * Copy text. The async clipboard needs a secure context (Electron, https, localhost); elsewhere
 * the caller's fallback is to select the text so Ctrl+C works. Returns whether it was copied.
 */
export async function copyText(text: string, fallback?: HTMLTextAreaElement | HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection fallback
  }
  if (fallback) {
    fallback.focus();
    fallback.select();
  }
  return false;
}
