/**
 * What the screen looks like: the UI tree drawn as SVG (status bar, the app window or the shade, every
 * node's text in Roboto, buttons, text fields, notification cards), and that SVG rasterised to a PNG
 * by resvg with the font bundled in `@expo-google-fonts/roboto` (no system fonts, nothing fetched), so
 * a screenshot reads the same on every machine. The web view shows the SVG; Appium gets the PNG.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { UiNode } from './api.ts';

export interface ScreenPicture {
  root: UiNode;
  width: number;
  height: number;
  /** The status bar's height in px (0 when the window covers it, as the shade does). */
  statusBar: number;
  /** `HH:MM` on the status bar. */
  clock: string;
  /** The screen's dp scale (density / 160), for text sizes. */
  scale: number;
}

const require = createRequire(import.meta.url);
/** Regular for text, Medium for titles and buttons, as Android's default type scale uses. */
export const SCREEN_FONTS = [
  require.resolve('@expo-google-fonts/roboto/400Regular/Roboto_400Regular.ttf'),
  require.resolve('@expo-google-fonts/roboto/500Medium/Roboto_500Medium.ttf'),
];
const FAMILY = 'Roboto';

const COLOR = {
  window: '#fafafa',
  text: '#212121',
  secondary: '#757575',
  accent: '#2f6fed',
  onAccent: '#ffffff',
  clickable: '#eef4ff',
  line: '#bdbdbd',
  statusBar: '#263238',
  onStatusBar: '#eceff1',
  shade: '#1c262b',
  card: '#ffffff',
  webView: '#eceff1',
} as const;

const TITLE_IDS = /:id\/(main_title|login_title|push_title)$/;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Cuts a text to what fits in `widthPx` at `size` (Roboto averages ~0.55 em a glyph), with an ellipsis. */
function fit(text: string, widthPx: number, size: number): string {
  const max = Math.max(1, Math.floor(widthPx / (size * 0.55)));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

interface TextStyle {
  size: number;
  color: string;
  weight?: 500;
  anchor?: 'middle' | 'end';
}

function textAt(x: number, y: number, text: string, widthPx: number, style: TextStyle): string {
  const weight = style.weight ? ` font-weight="${style.weight}"` : '';
  const anchor = style.anchor ? ` text-anchor="${style.anchor}"` : '';
  return `<text x="${Math.round(x)}" y="${Math.round(y)}" font-family="${FAMILY}" font-size="${style.size}"${weight}${anchor} fill="${style.color}">${escapeXml(fit(text, widthPx, style.size))}</text>`;
}

function rect(l: number, t: number, r: number, b: number, fill: string, extra = ''): string {
  return `<rect x="${l}" y="${t}" width="${Math.max(0, r - l)}" height="${Math.max(0, b - t)}" fill="${fill}"${extra}/>`;
}

/** The screen as an SVG document, width × height px. */
export function screenSvg(picture: ScreenPicture): string {
  const { root, width, height, statusBar, clock, scale } = picture;
  const dp = (n: number) => Math.round(n * scale);
  const parts: string[] = [rect(0, 0, width, height, COLOR.window)];
  if (statusBar > 0) {
    parts.push(rect(0, 0, width, statusBar, COLOR.statusBar));
    parts.push(textAt(dp(16), statusBar * 0.72, clock, width / 2, { size: dp(13), color: COLOR.onStatusBar, weight: 500 }));
    parts.push(textAt(width - dp(16), statusBar * 0.72, 'WiFi 100%', width / 2, { size: dp(12), color: COLOR.onStatusBar, anchor: 'end' }));
  }
  const draw = (node: UiNode, inShade: boolean): void => {
    if (!node.displayed) return;
    const [l, t, r, b] = node.bounds;
    const h = b - t;
    const pad = dp(12);
    const shade = inShade || node.resourceId.endsWith(':id/notification_panel');
    const cls = node.className.split('.').pop()!;
    if (node.resourceId.endsWith(':id/notification_panel')) parts.push(rect(l, t, r, b, COLOR.shade));
    else if (node.resourceId.endsWith(':id/expandableNotificationRow')) parts.push(rect(l, t, r, b, COLOR.card, ` rx="${dp(16)}"`));
    else if (cls === 'Button') {
      parts.push(rect(l + pad / 2, t + pad / 4, r - pad / 2, b - pad / 4, COLOR.accent, ` rx="${dp(8)}"`));
      parts.push(textAt((l + r) / 2, t + h * 0.62, node.text, r - l - 2 * pad, { size: dp(15), color: COLOR.onAccent, weight: 500, anchor: 'middle' }));
    } else if (cls === 'EditText') {
      parts.push(rect(l + pad / 2, b - dp(2) - pad / 4, r - pad / 2, b - pad / 4, COLOR.accent));
      const shown = node.text || node.contentDesc;
      parts.push(textAt(l + pad, t + h * 0.62, shown, r - l - 2 * pad, { size: dp(16), color: node.text ? COLOR.text : COLOR.secondary }));
    } else if (cls === 'WebView') parts.push(rect(l, t, r, b, COLOR.webView));
    else if (node.clickable && !shade && node.children.length > 0) parts.push(rect(l, t, r, b, COLOR.clickable, ` rx="${dp(8)}"`));
    if (node.text && cls !== 'Button' && cls !== 'EditText') {
      const id = node.resourceId;
      const onDark = shade && !id.startsWith('android:id/') && !id.endsWith(':id/expandableNotificationRow');
      let style: TextStyle = { size: dp(16), color: onDark ? COLOR.onStatusBar : COLOR.text };
      if (TITLE_IDS.test(id)) style = { size: dp(22), color: COLOR.text, weight: 500 };
      else if (id === 'android:id/title') style = { size: dp(16), color: COLOR.text, weight: 500 };
      else if (id === 'android:id/app_name_text' || id === 'android:id/time') style = { size: dp(12), color: COLOR.secondary };
      else if (node.clickable && node.children.length === 0) {
        // a launcher icon: a round badge with the label's initial above the label
        const cx = l + dp(40);
        parts.push(`<circle cx="${cx}" cy="${t + h / 2}" r="${Math.min(h / 2 - dp(2), dp(20))}" fill="${COLOR.accent}"/>`);
        parts.push(textAt(cx, t + h / 2 + dp(6), node.text.slice(0, 1), dp(40), { size: dp(18), color: COLOR.onAccent, weight: 500, anchor: 'middle' }));
        parts.push(textAt(l + dp(72), t + h * 0.62, node.text, r - l - dp(84), style));
        return;
      }
      if (id === 'android:id/big_text') {
        const lineHeight = style.size * 1.3;
        const perLine = Math.max(1, Math.floor((r - l - 2 * pad) / (style.size * 0.55)));
        const lines = wrap(node.text, perLine).slice(0, Math.max(1, Math.floor(h / lineHeight)));
        lines.forEach((line, i) => parts.push(textAt(l + pad, t + lineHeight * (i + 1), line, r - l - 2 * pad, style)));
      } else {
        parts.push(textAt(l + pad, t + Math.min(h, dp(48)) * 0.62, node.text, r - l - 2 * pad, style));
      }
    }
    for (const child of node.children) draw(child, shade);
  };
  draw(root, false);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function wrap(text: string, perLine: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The screen as a PNG. */
export function renderScreenshot(picture: ScreenPicture): Buffer {
  const resvg = new Resvg(screenSvg(picture), {
    font: { loadSystemFonts: false, fontFiles: SCREEN_FONTS, defaultFontFamily: FAMILY, sansSerifFamily: FAMILY },
    fitTo: { mode: 'original' },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
