/** Debian's Chromium and the flags every test launches it with (fake devices, no network chatter). */
export const CHROMIUM = process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // Pages in the background must keep rendering and decoding like a real foreground tab.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--auto-accept-this-tab-capture',
  '--auto-select-desktop-capture-source=Entire screen',
];
