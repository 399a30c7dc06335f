/**
 * A PNG of the screen: boxes for the UI nodes (clickable ones tinted, text as a bar of its length),
 * enough to see in a report which screen a phone was on. No font rendering.
 */
import { PNG } from 'pngjs';
import type { UiNode } from './api.ts';

type Rgb = [number, number, number];
const BACKGROUND: Rgb = [250, 250, 250];
const BORDER: Rgb = [189, 189, 189];
const CLICKABLE: Rgb = [227, 242, 253];
const TEXT: Rgb = [66, 66, 66];
const SYSTEM: Rgb = [38, 50, 56];

export function renderScreenshot(root: UiNode, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  const fill = (l: number, t: number, r: number, b: number, [red, green, blue]: Rgb): void => {
    const x0 = Math.max(0, l);
    const x1 = Math.min(width, r);
    for (let y = Math.max(0, t); y < Math.min(height, b); y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        png.data[i] = red;
        png.data[i + 1] = green;
        png.data[i + 2] = blue;
        png.data[i + 3] = 255;
      }
    }
  };
  fill(0, 0, width, height, BACKGROUND);
  const draw = (node: UiNode): void => {
    if (!node.displayed) return;
    const [l, t, r, b] = node.bounds;
    if (node.resourceId.endsWith(':id/status_bar') || node.resourceId.endsWith(':id/notification_panel')) fill(l, t, r, b, SYSTEM);
    else if (node.clickable) fill(l, t, r, b, CLICKABLE);
    if (node.className !== 'hierarchy') {
      fill(l, t, r, t + 2, BORDER);
      fill(l, b - 2, r, b, BORDER);
      fill(l, t, l + 2, b, BORDER);
      fill(r - 2, t, r, b, BORDER);
    }
    if (node.text) {
      const glyph = Math.max(8, Math.round((b - t) / 4));
      const mid = Math.round((t + b) / 2);
      fill(l + glyph, mid - glyph / 2, Math.min(r - glyph, l + glyph + node.text.length * glyph), mid + glyph / 2, TEXT);
    }
    node.children.forEach(draw);
  };
  draw(root);
  return PNG.sync.write(png);
}
