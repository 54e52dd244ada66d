import { isMap, isScalar, parseDocument } from 'yaml';
import { HomeportError } from '../../../shared/contract';

/**
 * Changes `services.<service>.image` in compose text and nothing else. The yaml Document API
 * finds the node; its source range is then replaced in the original text, so every other byte
 * (comments, quoting, flow lists, spacing) stays as the user wrote it. A service without an image
 * line gets one through the Document API (which re-prints the file in yaml's style).
 * Returns null when this file does not define the service (it may be in another -f file).
 */
export function setServiceImageInText(text: string, service: string, image: string): string | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new HomeportError({
      code: 'VALIDATION',
      message: `The compose file is not valid YAML: ${doc.errors[0]!.message}`,
      fix: 'Fix the file in the editor first.',
    });
  }
  const services = doc.get('services', true);
  if (!isMap(services)) return null;
  const svc = services.get(service, true);
  if (!isMap(svc)) return null;
  const node = svc.get('image', true);
  if (isScalar(node) && node.range) {
    const [start, end] = node.range;
    // The reference is checked against Docker's grammar (no quotes, spaces or '#'): it is safe
    // plain, and keeps the quotes the user chose.
    const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
    return `${text.slice(0, start)}${quote}${image}${quote}${text.slice(end)}`;
  }
  svc.set('image', image);
  return doc.toString();
}

/** The image a service names in this text (null if none or not found). */
export function serviceImageInText(text: string, service: string): string | null {
  const doc = parseDocument(text);
  const v = doc.getIn(['services', service, 'image']);
  return typeof v === 'string' ? v : null;
}
