/**
 * The page's icons: simple line drawings on a 24×24 grid, drawn in the text colour (so high contrast
 * recolours them too), always beside a text, hence hidden from screen readers.
 */
const SVG = 'http://www.w3.org/2000/svg';

const PATHS = {
  search: ['M10.5 4a6.5 6.5 0 1 1 0 13a6.5 6.5 0 0 1 0-13z', 'M15.5 15.5L21 21'],
  keypad: [
    'M5 4h2v2H5zM11 4h2v2h-2zM17 4h2v2h-2zM5 10h2v2H5zM11 10h2v2h-2zM17 10h2v2h-2zM5 16h2v2H5zM11 16h2v2h-2zM17 16h2v2h-2z',
  ],
  bell: ['M6 17V11a6 6 0 0 1 12 0v6l2 2H4z', 'M10 21h4'],
  phone: ['M5 3h4l2 5l-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z'],
  door: ['M5 21V3h10v18', 'M15 5l4 1v15h-4', 'M12 12v1', 'M3 21h18'],
  check: ['M4 12.5l5 5L20 6.5'],
  cross: ['M6 6l12 12M18 6L6 18'],
  sound: ['M4 9h4l5-4v14l-5-4H4z', 'M16 9a4 4 0 0 1 0 6', 'M18.5 6.5a8 8 0 0 1 0 11'],
  back: ['M15 5l-7 7l7 7'],
  text: ['M3 19l5-14l5 14M5 14h6', 'M14 19l3.5-9l3.5 9M15.2 16h4.6'],
  contrast: ['M12 3a9 9 0 1 1 0 18a9 9 0 0 1 0-18z', 'M12 3v18'],
  delete: ['M9 5h11v14H9l-6-7z', 'M12 9l5 6M17 9l-5 6'],
  home: ['M3 11l9-8l9 8', 'M5 10v10h5v-6h4v6h5V10'],
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of PATHS[name]) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}
