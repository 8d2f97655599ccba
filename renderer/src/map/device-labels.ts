/**
 * Device name labels, rendered once per name and theme into small images (text with a halo) and
 * reused every frame: fillText for hundreds of labels per frame would dominate the frame time.
 * Within a frame they are placed greedily: a label that would overlap a placed one is skipped.
 */
import { MARKER_RADIUS, mapPalette, type MapPalette } from './map-style';

export class DeviceLabels {
  private readonly cache = new Map<string, { name: string; palette: MapPalette; image: HTMLCanvasElement }>();
  /** rectangles placed in this frame: left, top, width, height (container px) */
  private readonly placed: number[] = [];

  /** the theme's colours, read once a frame */
  private palette: MapPalette = mapPalette();

  constructor(private readonly dpr: number) {}

  /** Starts a frame's placement. */
  begin(): void {
    this.placed.length = 0;
    this.palette = mapPalette();
  }

  /** Draws the label right of the marker at container point (x, y), unless it would overlap (and `force` is false). */
  place(ctx: CanvasRenderingContext2D, id: string, name: string, x: number, y: number, force: boolean): void {
    const img = this.get(id, name);
    const dpr = this.dpr;
    const w = img.width / dpr;
    const h = img.height / dpr;
    const left = x + MARKER_RADIUS + 3;
    const top = y - h / 2;
    const placed = this.placed;
    if (!force) {
      for (let k = 0; k < placed.length; k += 4) {
        if (left < placed[k]! + placed[k + 2]! && placed[k]! < left + w && top < placed[k + 1]! + placed[k + 3]! && placed[k + 1]! < top + h) return;
      }
    }
    placed.push(left, top, w, h);
    ctx.drawImage(img, Math.round(left * dpr), Math.round(top * dpr));
  }

  private get(id: string, name: string): HTMLCanvasElement {
    const hit = this.cache.get(id);
    const palette = this.palette;
    if (hit && hit.name === name && hit.palette === palette) return hit.image;
    const image = this.render(name, palette);
    this.cache.set(id, { name, palette, image });
    return image;
  }

  /** Forgets devices no longer in the fleet. */
  retain(ids: ReadonlySet<string> | ReadonlyMap<string, unknown>): void {
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
  }

  private render(name: string, palette: MapPalette): HTMLCanvasElement {
    const dpr = this.dpr;
    const text = name.length > 32 ? `${name.slice(0, 31)}…` : name;
    const font = `600 ${Math.round(12 * dpr)}px system-ui, sans-serif`;
    const c = document.createElement('canvas');
    let ctx = c.getContext('2d')!;
    ctx.font = font;
    const width = Math.ceil(ctx.measureText(text).width + 6 * dpr);
    c.width = Math.max(1, width);
    c.height = Math.ceil(18 * dpr);
    ctx = c.getContext('2d')!; // resizing reset the context state
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3.5 * dpr;
    ctx.strokeStyle = palette.labelHalo;
    ctx.strokeText(text, 3 * dpr, c.height / 2);
    ctx.fillStyle = palette.labelText;
    ctx.fillText(text, 3 * dpr, c.height / 2);
    return c;
  }
}
