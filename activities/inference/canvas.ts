import { PNG } from 'pngjs';
import type { Rgb } from './colors.js';

/** Just enough raster drawing for reference sheets: filled rectangles and ellipses, PNG out. */
export class Canvas {
  private readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.png = new PNG({ width, height, colorType: 2 });
    this.rect(0, 0, width, height, background);
  }

  private set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const data = this.png.data;
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let yy = Math.round(y); yy < Math.round(y + h); yy++) {
      for (let xx = Math.round(x); xx < Math.round(x + w); xx++) this.set(xx, yy, color);
    }
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, color: Rgb): void {
    for (let yy = Math.floor(cy - ry); yy <= Math.ceil(cy + ry); yy++) {
      for (let xx = Math.floor(cx - rx); xx <= Math.ceil(cx + rx); xx++) {
        const dx = (xx - cx) / rx;
        const dy = (yy - cy) / ry;
        if (dx * dx + dy * dy <= 1) this.set(xx, yy, color);
      }
    }
  }

  /** The pixels themselves (RGBA, row by row, not a copy), for post-processing and other encoders. */
  rgba(): Buffer {
    return this.png.data;
  }

  toPng(): Buffer {
    return PNG.sync.write(this.png, { colorType: 2 });
  }
}
