// Draws Homeport's icons as PNGs with nothing but Node (zlib for the PNG encoding), so they can be
// regenerated anywhere: `node build/make-icons.mjs`. Output, next to this file:
//   tray-<status>.png (16 px) and tray-<status>@2x.png (32 px; Electron's nativeImage picks the
//   @2x file on high-density screens) for status ok | pending | down | unknown;
//   icon.png (512 px), the app icon electron-builder turns into .icns / .ico / Linux sizes.
// Shapes are signed-distance functions, supersampled for anti-aliasing. Each tray status has its
// own glyph as well as its own colour, so the states stay apart for colour-blind users.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const OUT = import.meta.dirname;

// --- PNG ---------------------------------------------------------------------------------------

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** RGBA, 8 bits per channel, non-premultiplied. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  // compression, filter, interlace: 0
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- Drawing -----------------------------------------------------------------------------------

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const shade = (c, f) => c.map((v) => v * f);

const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
function segment(x, y, ax, ay, bx, by) {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t);
}
function roundedRect(x, y, cx, cy, hw, hh, r) {
  const qx = Math.abs(x - cx) - hw + r, qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Renders `paint(x, y)` → [r, g, b, a] (x, y in 0..1) at `size` px with ss×ss samples per pixel. */
function render(size, ss, paint) {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = paint((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          if (!c) continue;
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (ss * ss)) * 255);
    }
  }
  return out;
}

// --- Tray --------------------------------------------------------------------------------------

const STATUS = {
  ok: { color: hex('#22c55e'), glyph: 'check' },
  pending: { color: hex('#f59e0b'), glyph: 'dots' },
  down: { color: hex('#ef4444'), glyph: 'bang' },
  unknown: { color: hex('#9ca3af'), glyph: 'dash' },
};
const WHITE = [255, 255, 255];

function glyphDistance(glyph, x, y, stroke) {
  switch (glyph) {
    case 'check':
      return Math.min(segment(x, y, 0.29, 0.52, 0.44, 0.67), segment(x, y, 0.44, 0.67, 0.72, 0.36)) - stroke;
    case 'bang':
      return Math.min(segment(x, y, 0.5, 0.26, 0.5, 0.55) - stroke, circle(x, y, 0.5, 0.72, stroke * 1.05));
    case 'dots':
      return Math.min(circle(x, y, 0.29, 0.5, 0.085), circle(x, y, 0.5, 0.5, 0.085), circle(x, y, 0.71, 0.5, 0.085));
    case 'dash':
      return segment(x, y, 0.31, 0.5, 0.69, 0.5) - stroke;
  }
  throw new Error(glyph);
}

function trayPainter({ color, glyph }, size) {
  const R = 0.47;
  // The rim and strokes stay about one device pixel wide or more at 16 px.
  const rim = Math.max(1 / size, 0.06);
  const stroke = size <= 16 ? 0.085 : 0.075;
  const rimColor = shade(color, 0.68);
  return (x, y) => {
    const d = circle(x, y, 0.5, 0.5, R);
    if (d > 0) return null;
    if (glyphDistance(glyph, x, y, stroke) < 0) return [...WHITE, 1];
    if (d > -rim) return [...rimColor, 1];
    // A soft highlight at the top gives the disc some depth on dark and light panels.
    const t = Math.max(0, Math.min(1, (y - 0.1) / 0.8));
    return [...mix(mix(color, WHITE, 0.22), color, t), 1];
  };
}

// --- App icon ----------------------------------------------------------------------------------

function appPainter() {
  const top = hex('#1f2a3d'), bottom = hex('#0c1220');
  const boxes = [
    { cy: 0.665, hw: 0.27, color: hex('#0d9488') },
    { cy: 0.515, hw: 0.23, color: hex('#14b8a6') },
    { cy: 0.365, hw: 0.19, color: hex('#5eead4') },
  ];
  const green = hex('#22c55e');
  return (x, y) => {
    if (roundedRect(x, y, 0.5, 0.5, 0.44, 0.44, 0.2) > 0) return null;
    // Status dot, top right, cut out of the tile with a ring of background.
    const dot = circle(x, y, 0.76, 0.24, 0.075);
    if (dot < 0) return [...mix(green, WHITE, Math.max(0, -dot / 0.075) * 0.2), 1];
    let c = mix(top, bottom, (y - 0.06) / 0.88);
    if (dot < 0.03) return [...c, 1];
    // Three stacked containers (a compose stack on a host), each with ribbed doors.
    for (const b of boxes) {
      const d = roundedRect(x, y, 0.5, b.cy, b.hw, 0.055, 0.022);
      if (d < 0) {
        const ribs = Math.abs(((x - 0.5) / 0.045) % 1);
        const inset = d < -0.018 && (ribs < 0.18 || ribs > 0.82);
        c = inset ? shade(b.color, 0.8) : b.color;
        break;
      }
    }
    return [...c, 1];
  };
}

// --- Write -------------------------------------------------------------------------------------

const written = [];
function write(name, size, ss, paint) {
  writeFileSync(join(OUT, name), encodePng(size, render(size, ss, paint)));
  written.push(`${name} (${size}x${size})`);
}
for (const [status, spec] of Object.entries(STATUS)) {
  write(`tray-${status}.png`, 16, 8, trayPainter(spec, 16));
  write(`tray-${status}@2x.png`, 32, 6, trayPainter(spec, 32));
}
write('icon.png', 512, 3, appPainter());
console.log(`wrote ${written.join(', ')}`);
