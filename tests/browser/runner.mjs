// The browser tier: Debian's unmodified Janus demo pages in headless Chromium against portunusd.
// Runs in the client namespace of a lab (tests/browser/lab.py sets PORTUNUS_APPLIANCE and PORTUNUS_ADMIN), serves
// the demos with a generated settings.js (demo-server.mjs), drives each page through its own buttons and checks
// what a person would see (media decoded, the remote <video> playing) plus what the server says (Admin API).
//   node runner.mjs --out DIR --junit FILE [--only REGEX]
// Every Janus API scenario runs over REST long-poll and over WebSocket (the Admin demo over the Admin API). A failed
// scenario leaves, under DIR/<scenario>/, each page's console log, getStats() snapshots and a screenshot, plus a copy
// of the daemon's log; the paths are printed.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { startDemoServer } from './demo-server.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const OUT = path.resolve(args.out ?? 'browser-out');
const JUNIT = args.junit ? path.resolve(args.junit) : path.join(OUT, 'browser.xml');
const ONLY = args.only ? new RegExp(args.only) : null;
const CHROMIUM = args.chromium ?? '/usr/bin/chromium';
const APPLIANCE = process.env.PORTUNUS_APPLIANCE;
const ADMIN = process.env.PORTUNUS_ADMIN;
const DAEMON_LOG = process.env.PORTUNUS_DAEMON_LOG;
// `janus` when lab.py runs Debian's Janus as the reference: the Portunus-only checks (dataplane, SDP policy) are off.
const BACKEND = process.env.PORTUNUS_BACKEND ?? 'portunusd';
const PORTUNUS = BACKEND === 'portunusd';

// The flags that work on this kind of host (issue #6): no sandbox as root, fake capture devices, no mDNS host
// candidates (the appliance could not resolve them), autoplay without a gesture.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required',
  // Several pages of one browser all play media: none may be throttled as a background page, and the fake camera
  // runs at 15 fps so that 3 pages encoding and decoding VP8 fit on a busy 2-core machine.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
  '--use-fake-device-for-media-stream=fps=15',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a rejection naming `what` after `ms`: a hung page must never hang the tier. */
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

class Skip extends Error {}
/** A definite failure (the demo shows an error): no point waiting on. */
class Fatal extends Error {}

/** Polls `fn` until it returns a truthy value; the error names what never happened and the last value seen. */
async function waitFor(what, fn, timeoutMs = 20_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      if (e instanceof Skip || e instanceof Fatal) throw e;
      last = `threw: ${e.message}`;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 600)})`);
    }
    await sleep(everyMs);
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

const ADMIN_SECRET = 'janusoverlord';

async function adminApi(verb, where = '', fields = {}) {
  const res = await fetch(`${ADMIN}${where}`, {
    method: 'POST',
    body: JSON.stringify({ janus: verb, transaction: `brw-${Date.now()}`, admin_secret: ADMIN_SECRET, ...fields }),
    signal: AbortSignal.timeout(5000),
  });
  return res.json();
}

/** PeerConnections the server holds: Portunus's dataplane transports; for the Janus reference, ready handles. */
async function transportsCount() {
  if (PORTUNUS) return (await adminApi('dataplane_stats')).dataplane?.transports_count;
  let ready = 0;
  for (const sid of (await adminApi('list_sessions')).sessions ?? []) {
    for (const hid of (await adminApi('list_handles', `/${sid}`)).handles ?? []) {
      if ((await adminApi('handle_info', `/${sid}/${hid}`)).info?.flags?.ready) ready += 1;
    }
  }
  return ready;
}

async function serverPlugins() {
  const res = await fetch(`http://${APPLIANCE}:8088/janus/info`, { signal: AbortSignal.timeout(5000) });
  return Object.keys((await res.json()).plugins ?? {});
}

// ---- pages -------------------------------------------------------------------------------------------------------

/** Every RTCPeerConnection the demo pages keep in their globals, with descriptions and the full getStats(). */
async function pageStats(page) {
  return withTimeout(page.evaluate(async () => {
    const handles = [];
    const add = (label, h) => {
      const pc = h && h.webrtcStuff && h.webrtcStuff.pc;
      if (pc) handles.push([label, pc]);
    };
    add('echotest', window.echotest);
    add('publisher', window.sfutest);
    add('subscriber', window.remoteFeed);  // multistream demo: one subscriber handle for every feed
    if (Array.isArray(window.feeds)) window.feeds.forEach((f, i) => add(`feed${i}`, f));
    const out = {};
    for (const [label, pc] of handles) {
      const report = await pc.getStats();
      const stats = [];
      report.forEach((s) => stats.push(s));
      out[label] = {
        connectionState: pc.connectionState,
        iceConnectionState: pc.iceConnectionState,
        localType: pc.localDescription && pc.localDescription.type,
        localSdp: pc.localDescription && pc.localDescription.sdp,
        remoteType: pc.remoteDescription && pc.remoteDescription.type,
        remoteSdp: pc.remoteDescription && pc.remoteDescription.sdp,
        stats,
      };
    }
    return out;
  }), 30_000, 'getStats()');
}

/** The figures the checks use, from one pc's getStats(). */
function summarize(pc) {
  const s = { audioIn: 0, videoIn: 0, framesDecoded: 0, videoStreamsDecoding: 0, audioOut: 0, videoOut: 0 };
  for (const st of pc.stats) {
    if (st.type === 'inbound-rtp' && st.kind === 'audio') s.audioIn += st.bytesReceived ?? 0;
    if (st.type === 'inbound-rtp' && st.kind === 'video') {
      s.videoIn += st.bytesReceived ?? 0;
      s.framesDecoded += st.framesDecoded ?? 0;
      if ((st.framesDecoded ?? 0) > 0) s.videoStreamsDecoding += 1;
    }
    if (st.type === 'outbound-rtp' && st.kind === 'audio') s.audioOut += st.bytesSent ?? 0;
    if (st.type === 'outbound-rtp' && st.kind === 'video') s.videoOut += st.bytesSent ?? 0;
    if (st.type === 'transport') {
      s.dtlsRole = st.dtlsRole;
      s.dtlsState = st.dtlsState;
      s.srtpCipher = st.srtpCipher;
    }
  }
  s.connectionState = pc.connectionState;
  return s;
}

/** The remote <audio>/<video> elements the demos create, and whether each video one is playing. */
async function remoteMedia(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('video[id^="peervideo"], video[id^="remotevideo"]'))
    .map((v) => ({ id: v.id, paused: v.paused, readyState: v.readyState, width: v.videoWidth, time: v.currentTime })));
}

/** A demo page with its console and page errors recorded (they are saved when the scenario fails). */
class DemoPage {
  constructor(scenario, label, page) {
    this.scenario = scenario;
    this.label = label;
    this.page = page;
    this.log = [];
    const t0 = Date.now();
    const stamp = () => `+${((Date.now() - t0) / 1000).toFixed(2)}s`;
    page.on('console', (m) => this.log.push(`${stamp()} [${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => this.log.push(`${stamp()} [pageerror] ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => this.log.push(`${stamp()} [requestfailed] ${r.url()} ${r.failure()?.errorText}`));
    page.on('dialog', (d) => { this.log.push(`${stamp()} [dialog] ${d.message()}`); d.dismiss().catch(() => {}); });
  }

  static async open(scenario, label, url) {
    const p = new DemoPage(scenario, label, await scenario.context.newPage());
    scenario.pages.push(p);
    await p.page.goto(url, { waitUntil: 'load' });
    await p.ready();
    return p;
  }

  async ready() {
    await this.page.waitForFunction(() => window.Janus && window.Janus.initDone === true, null, { timeout: 15_000 });
  }

  async stats() {
    return pageStats(this.page);
  }

  /** A Bootstrap alert (bootbox) means the demo hit an error: fail with its text at once. When the server says
   *  the feature is not there yet (the VideoRoom plugin before its media half), the scenario is skipped with it. */
  async noAlert() {
    const text = await this.page.evaluate(() => {
      const b = document.querySelector('.bootbox .bootbox-body');
      return b && b.offsetParent !== null ? b.textContent : null;
    });
    if (text && /not implemented|no WebRTC media layer/i.test(text)) {
      throw new Skip(`${BACKEND} answers the demo: "${text.trim()}"`);
    }
    if (text) throw new Fatal(`${this.label}: the demo shows an alert: ${text}`);
  }

  async saveEvidence(dir) {
    const files = [];
    const base = path.join(dir, this.label);
    fs.writeFileSync(`${base}-console.log`, this.log.join('\n') + '\n');
    files.push(`${base}-console.log`);
    try {
      fs.writeFileSync(`${base}-stats.json`, JSON.stringify(await this.stats(), null, 1));
      files.push(`${base}-stats.json`);
      await this.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000 });
      files.push(`${base}.png`);
    } catch (e) {
      fs.appendFileSync(`${base}-console.log`, `(evidence: ${e.message})\n`);
    }
    return files;
  }
}

// ---- checks shared by the scenarios ------------------------------------------------------------------------------

/** Inbound audio and video bytes grow and video frames are decoded on the pc `which` of the page. */
async function mediaFlows(p, which, { audio = true, videoStreams = 1 } = {}) {
  const first = await waitFor(`${p.label}/${which}: inbound media decoding`, async () => {
    await p.noAlert();
    const pc = (await p.stats())[which];
    if (!pc) return false;
    const s = summarize(pc);
    return s.connectionState === 'connected' && (!audio || s.audioIn > 0) && s.videoIn > 0 &&
      s.videoStreamsDecoding >= videoStreams ? s : false;
  }, 30_000);
  await waitFor(`${p.label}/${which}: inbound bytes growing`, async () => {
    const s = summarize((await p.stats())[which]);
    return (!audio || s.audioIn > first.audioIn) && s.videoIn > first.videoIn && s.framesDecoded > first.framesDecoded
      ? s : false;
  }, 30_000);
  return first;
}

/** Every remote <video> the page shows is playing (frames arrive, time advances). */
async function videosPlay(p, count) {
  const first = await waitFor(`${p.label}: ${count} remote <video> playing`, async () => {
    const vs = (await remoteMedia(p.page)).filter((v) => !v.paused && v.readyState >= 2 && v.width > 0);
    return vs.length >= count ? vs : false;
  }, 20_000);
  await waitFor(`${p.label}: remote <video> time advancing`, async () => {
    const now = await remoteMedia(p.page);
    return first.every((f) => now.some((v) => v.id === f.id && v.time > f.time));
  }, 10_000);
}

function noTransportCc(sdp, where) {
  if (!PORTUNUS) return;  // Janus generates TWCC feedback, so it rightly negotiates transport-cc
  check(sdp && !/transport-cc|transport-wide-cc/.test(sdp),
    `${where}: Portunus's SDP advertises transport-cc, which it does not generate`);
}

/** Chromium offered: it is the DTLS server (Portunus answered setup:active) and picked AES-CM-SHA1-80. */
function browserOfferedInterop(pc, where) {
  const s = summarize(pc);
  check(pc.localType === 'offer' && pc.remoteType === 'answer', `${where}: expected Chromium to offer`);
  check(/a=setup:active/.test(pc.remoteSdp), `${where}: Portunus's answer should say a=setup:active`);
  check(s.dtlsRole === 'server', `${where}: Chromium should be the DTLS server, is ${s.dtlsRole}`);
  check(s.srtpCipher === 'SRTP_AES128_CM_HMAC_SHA1_80', `${where}: SRTP profile ${s.srtpCipher}, expected AES-CM-SHA1-80`);
  noTransportCc(pc.remoteSdp, where);
}

/** Portunus offered (VideoRoom subscriber): Portunus is the DTLS server and GCM wins. */
function serverOfferedInterop(pc, where) {
  const s = summarize(pc);
  check(pc.remoteType === 'offer' && pc.localType === 'answer', `${where}: expected Portunus to offer`);
  check(s.dtlsRole === 'client', `${where}: Chromium should be the DTLS client, is ${s.dtlsRole}`);
  check(!PORTUNUS || /^(SRTP_)?AEAD_AES_(128|256)_GCM$/.test(s.srtpCipher ?? ''), `${where}: SRTP profile ${s.srtpCipher}, expected GCM`);
  noTransportCc(pc.remoteSdp, where);
}

// ---- scenarios ---------------------------------------------------------------------------------------------------

async function echotest(sc, transport) {
  const p = await DemoPage.open(sc, 'echotest', `${sc.base[transport]}echotest.html`);
  sc.step('page loaded, Start');
  await p.page.click('#start');
  const ids = await waitFor('the echotest handle', () => p.page.evaluate(
    () => window.echotest && window.janus ? [window.janus.getSessionId(), window.echotest.getId()] : null));
  await usesTransport(p, transport);

  const before = await mediaFlows(p, 'echotest');
  sc.step('media flows both ways');
  await videosPlay(p, 1);
  sc.step('echoed video plays');
  const pc = (await p.stats()).echotest;
  sc.kept['echotest-pc'] = pc;
  browserOfferedInterop(pc, 'echotest');
  check(before.audioOut > 0 && before.videoOut > 0, 'echotest: Chromium sends no media');

  // The server's view: the handle's dataplane counters move while the page runs, with the profile Chromium chose.
  const info = async () => (await adminApi('handle_info', `/${ids[0]}/${ids[1]}`)).info;
  if (!PORTUNUS) {
    const i = await info();
    check(i?.plugin === 'janus.plugin.echotest' && i.flags?.ready === true, `handle_info: ${JSON.stringify(i)}`);
    await p.page.click('#start');
    await waitFor('no PeerConnection left after Stop', async () => (await transportsCount()) === 0, 15_000);
    return;
  }
  const first = await waitFor('handle_info dataplane counters', async () => {
    const i = await info();
    return i?.webrtc?.dataplane?.counters?.packets_in > 0 ? i : false;
  });
  check(first.plugin === 'janus.plugin.echotest', `handle_info names plugin ${first.plugin}`);
  check(first.webrtc.dtls.state === 'connected', `handle_info DTLS state ${first.webrtc.dtls.state}`);
  check(first.webrtc.dtls['srtp-profile'] === 'SRTP_AES128_CM_SHA1_80',
    `handle_info SRTP profile ${first.webrtc.dtls['srtp-profile']}`);
  await waitFor('handle_info counters moving', async () => {
    const c = (await info()).webrtc.dataplane.counters;
    const c0 = first.webrtc.dataplane.counters;
    return c.packets_in > c0.packets_in && c.packets_out > c0.packets_out && c.bytes_out > c0.bytes_out ? c : false;
  }, 10_000);

  sc.step('handle_info counters move');
  // The page's own Stop button destroys the session: the dataplane forgets the PeerConnection.
  await p.page.click('#start');
  await waitFor('dataplane transports back to 0 after Stop', async () => (await transportsCount()) === 0, 15_000);
}

/** janus.js talks to the server over the transport the page's settings.js named. */
async function usesTransport(p, transport) {
  const url = await p.page.evaluate(() => window.janus && window.janus.getServer());
  check(transport === 'ws' ? /^ws:\/\//.test(url) : /^http:\/\/.*\/janus$/.test(url),
    `${p.label}: janus.js uses ${url}, expected ${transport}`);
}

async function requirePlugin(name) {
  const plugins = await serverPlugins();
  if (!plugins.includes(name)) {
    throw new Skip(`portunusd has no ${name} yet (plugins: ${plugins.join(', ')}); issue #5 brings it`);
  }
}

/** The page's own Stop button; an alert the demo shows instead (covering the button) fails with its text. */
async function stopPage(p) {
  await p.noAlert();
  try {
    await p.page.click('#start', { timeout: 15_000 });
  } catch (e) {
    await p.noAlert();
    throw e;
  }
}

async function joinRoom(p, name) {
  await p.page.click('#start');
  await p.page.waitForSelector('#username', { state: 'visible', timeout: 15_000 });
  await p.page.fill('#username', name);
  await p.page.click('#register');
}

/** VideoRoom demo: one publisher handle per page and one subscriber handle per remote feed. */
async function videoroom(sc, transport) {
  await requirePlugin('janus.plugin.videoroom');
  const url = `${sc.base[transport]}videoroomtest.html`;
  const pages = [];
  for (const n of [1, 2, 3]) {
    const p = await DemoPage.open(sc, `page${n}`, url);
    await joinRoom(p, `browser${n}`);
    sc.step(`page${n} joined`);
    await usesTransport(p, transport);
    pages.push(p);
  }
  const feedsOf = async (p) => Object.keys(await p.stats()).filter((k) => k.startsWith('feed'));
  const everyoneSeesOthers = async (group) => {
    for (const p of group) {
      const feeds = await waitFor(`${p.label}: ${group.length - 1} remote feeds`, async () => {
        await p.noAlert();
        const f = await feedsOf(p);
        return f.length === group.length - 1 ? f : false;
      }, 30_000);
      sc.step(`${p.label}: ${feeds.length} remote feeds attached`);
      for (const f of feeds) {
        await mediaFlows(p, f);
        sc.step(`${p.label}/${f}: decoding`);
        const pc = (await p.stats())[f];
        sc.kept[`${p.label}-${f}-pc`] = pc;
        serverOfferedInterop(pc, `${p.label}/${f}`);
      }
      await videosPlay(p, group.length - 1);
      const pubPc = (await p.stats()).publisher;
      sc.kept[`${p.label}-publisher-pc`] = pubPc;
      const pub = summarize(pubPc);
      check(pub.videoOut > 0 && pub.audioOut > 0, `${p.label}: the publisher sends nothing`);
      browserOfferedInterop(pubPc, `${p.label}/publisher`);
    }
  };
  await everyoneSeesOthers(pages);
  sc.step('every page decodes the two others');
  // 3 publishers + 3 × 2 subscribers, each its own PeerConnection.
  await waitFor('9 dataplane transports', async () => (await transportsCount()) === 9, 10_000);

  // page3 leaves (its Stop button destroys the session): the others drop its feed.
  const leaver = pages[2];
  await leaver.page.click('#start');
  for (const p of pages.slice(0, 2)) {
    await waitFor(`${p.label}: page3's feed removed`, async () => (await feedsOf(p)).length === 1, 20_000);
  }
  sc.step('page3 left, its feed is gone');
  await waitFor('4 dataplane transports after a leave', async () => (await transportsCount()) === 4, 15_000);

  // page3 rejoins (the demo reloads itself after Stop) and is seen again.
  await leaver.page.waitForLoadState('load');
  await leaver.ready();
  await joinRoom(leaver, 'browser3again');  // the demo takes alphanumeric names only
  sc.step('page3 rejoined');
  await everyoneSeesOthers(pages);
  sc.step('every page decodes the two others again');
  await waitFor('9 dataplane transports after the rejoin', async () => (await transportsCount()) === 9, 10_000);

  for (const p of pages) await stopPage(p);
  await waitFor('dataplane transports back to 0', async () => (await transportsCount()) === 0, 20_000);
}

/** Multistream VideoRoom demo: one subscriber handle carries every remote feed. */
async function mvideoroom(sc, transport) {
  await requirePlugin('janus.plugin.videoroom');
  const url = `${sc.base[transport]}mvideoroomtest.html`;
  const pages = [];
  for (const n of [1, 2]) {
    const p = await DemoPage.open(sc, `page${n}`, url);
    await joinRoom(p, `multi${n}`);
    sc.step(`page${n} joined`);
    await usesTransport(p, transport);
    pages.push(p);
  }
  for (const p of pages) {
    await mediaFlows(p, 'subscriber');
    const pc = (await p.stats()).subscriber;
    sc.kept[`${p.label}-subscriber-pc`] = pc;
    serverOfferedInterop(pc, `${p.label}/subscriber`);
    browserOfferedInterop((await p.stats()).publisher, `${p.label}/publisher`);
    await videosPlay(p, 1);
  }
  sc.step('both pages decode the other feed');
  await waitFor('4 dataplane transports', async () => (await transportsCount()) === 4, 10_000);
  for (const p of pages) await stopPage(p);
  await waitFor('dataplane transports back to 0', async () => (await transportsCount()) === 0, 20_000);
}

/** Janus's Admin demo (admin.html, unmodified) on the Admin API: Server Info from GET /admin/info, the Settings
 *  tab's own prompts and toggles changing what get_status says, a live session's handle in the Handles tab, and a
 *  plugin request from the Plugins tab. */
async function adminPage(sc) {
  const janusApi = async (body, where = '') => (await fetch(`http://${APPLIANCE}:8088/janus${where}`, {
    method: 'POST', body: JSON.stringify({ transaction: `brw-${Date.now()}`, ...body }), signal: AbortSignal.timeout(5000),
  })).json();
  const sid = (await janusApi({ janus: 'create' })).data.id;
  const hid = (await janusApi({ janus: 'attach', plugin: 'janus.plugin.echotest' }, `/${sid}`)).data.id;
  const before = (await adminApi('get_status')).status;
  const p = new DemoPage(sc, 'admin', await sc.context.newPage());
  sc.pages.push(p);
  const page = p.page;
  /** The text of the bootbox dialog on screen, or null. */
  const dialog = () => page.evaluate(() => {
    const shown = Array.from(document.querySelectorAll('.bootbox.show .bootbox-body, .bootbox.in .bootbox-body'));
    return shown.length ? shown[shown.length - 1].textContent : null;
  });
  /** A settings row's value as the page shows it. */
  const setting = (key) => page.evaluate((k) => document.getElementById(k)?.previousElementSibling?.textContent, key);
  const accept = async () => {
    await page.locator('.bootbox .bootbox-accept').last().click();
    await waitFor('the dialog closed', async () => (await page.locator('.bootbox').count()) === 0, 5_000);
  };
  try {
    await page.goto(`${sc.base.rest}admin.html`, { waitUntil: 'load' });
    const plugins = await waitFor('Server Info filled from /admin/info', async () => {
      const d = await dialog();
      if (d) throw new Fatal(`admin: the page shows an alert: ${d}`);
      return page.evaluate(() => {
        const rows = Array.from(document.querySelectorAll('#server-plugins tr')).slice(1);
        return rows.length ? rows.map((r) => r.textContent) : null;
      });
    });
    check(plugins.some((t) => /EchoTest/i.test(t)), `admin: Server Info lists no EchoTest: ${plugins}`);
    sc.step('Server Info shows the plugins');

    await page.click('a[href="#settings"]');
    await waitFor('the Settings table', async () => (await setting('no_media_timer')) === String(before.no_media_timer));
    // Integers through the page's prompt, booleans through its confirm; each answered success and re-read.
    for (const [key, value] of [['no_media_timer', 3], ['slowlink_threshold', 5]]) {
      await page.click(`#${key}_button`);
      await page.locator('.bootbox-input').fill(String(value));
      await accept();
      await waitFor(`${key} ${value} in the table`, async () => (await setting(key)) === String(value));
      const status = (await adminApi('get_status')).status;
      check(status[key] === value, `admin: get_status ${key} is ${status[key]} after the page set ${value}`);
    }
    for (const key of ['log_timestamps', 'log_colors', 'libnice_debug']) {
      const was = (await adminApi('get_status')).status[key];
      await page.click(`#${key}_button`);
      await accept();
      await waitFor(`${key} ${!was} in the table`, async () => (await setting(key)) === String(!was));
      check((await adminApi('get_status')).status[key] === !was, `admin: get_status ${key} did not change`);
    }
    sc.step('Settings edited through the page');
    if (PORTUNUS) {
      // Janus's lock tracing has no counterpart: the page shows the server's reason and the setting stays off.
      await page.click('#locking_debug_button');
      await page.locator('.bootbox .bootbox-accept').last().click();  // the confirm; the answer's alert follows
      const text = await waitFor('the locking debug answer', async () => {
        const d = await dialog();
        return d && /portunusd/.test(d) ? d : null;
      }, 10_000);
      check(/not available/.test(text), `admin: unexpected answer to locking debug: ${text}`);
      await accept();
      check((await adminApi('get_status')).status.locking_debug === false, 'admin: locking_debug changed');
      sc.step('locking debug refused with the reason shown');
    }

    await page.click('a[href="#handlesinfo"]');
    await page.click(`#session-${sid}`);
    await waitFor(`handle ${hid} listed`, () => page.evaluate(
      (h) => document.getElementById(`handle-${h}`) !== null || document.getElementById('handles-list').innerHTML, hid)
      .then((r) => r === true), 10_000);
    await page.locator(`#handle-${hid}`).click({ timeout: 10_000 });
    await waitFor('the handle info of the live handle', () => page.evaluate(
      () => /janus\.plugin\.echotest/.test(document.getElementById('handle-info')?.textContent ?? '')));
    sc.step('Handles tab shows the session, its handle and handle_info');

    await page.click('a[href="#plugins"]');
    await page.locator('#plugins-list a', { hasText: 'janus.plugin.videoroom' }).click();
    await page.fill('#attrname0', 'request');
    await page.fill('#attrvalue0', 'list');
    await page.click('#sendmsg');
    const response = await waitFor('the plugin response', () => page.evaluate(
      () => document.getElementById('plugin-response')?.textContent || null));
    const parsed = JSON.parse(response);
    check(parsed.janus === 'success' && parsed.response?.videoroom === 'success' && Array.isArray(parsed.response.list),
      `admin: message_plugin answered ${response}`);
    sc.step('Plugins tab: a VideoRoom list request answered');
  } finally {
    for (const key of ['no_media_timer', 'slowlink_threshold']) await adminApi(`set_${key}`, '', { [key]: before[key] });
    await adminApi('set_log_timestamps', '', { timestamps: before.log_timestamps });
    await adminApi('set_log_colors', '', { colors: before.log_colors });
    await adminApi('set_libnice_debug', '', { debug: before.libnice_debug });
    await janusApi({ janus: 'destroy' }, `/${sid}`);
  }
}

const SCENARIOS = [{ name: 'admin_page', timeoutMs: 60_000, run: adminPage }];
for (const transport of ['rest', 'ws']) {
  // Budgets fit a 2-core machine that is busy with other work: 3 pages encode and decode 6 VP8 streams at once.
  SCENARIOS.push({ name: `echotest[${transport}]`, timeoutMs: 60_000, run: (sc) => echotest(sc, transport) });
  SCENARIOS.push({ name: `videoroom_3_pages[${transport}]`, timeoutMs: 180_000, run: (sc) => videoroom(sc, transport) });
  SCENARIOS.push({ name: `mvideoroom_2_pages[${transport}]`, timeoutMs: 90_000, run: (sc) => mvideoroom(sc, transport) });
}

// ---- runner ------------------------------------------------------------------------------------------------------

const xmlEscape = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c])
  // eslint-disable-next-line no-control-regex
  .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

function writeJunit(results) {
  const cases = results.map((r) => {
    let body = '';
    if (r.status === 'failed') body = `<failure message="${xmlEscape(r.message)}">${xmlEscape(r.detail)}</failure>`;
    if (r.status === 'skipped') body = `<skipped message="${xmlEscape(r.message)}"/>`;
    if (r.evidence?.length) body += `<system-out>${xmlEscape(r.evidence.join('\n'))}</system-out>`;
    return `  <testcase classname="browser" name="${xmlEscape(r.name)}" time="${r.seconds.toFixed(2)}">${body}</testcase>`;
  });
  const count = (st) => results.filter((r) => r.status === st).length;
  fs.mkdirSync(path.dirname(JUNIT), { recursive: true });
  fs.writeFileSync(JUNIT, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="browser" tests="${results.length}"` +
    ` failures="${count('failed')}" skipped="${count('skipped')}">\n${cases.join('\n')}\n</testsuite>\n`);
}

/** A fresh Chromium with a fresh profile folder for each scenario, so nothing one leaves behind reaches the next. */
async function launchChromium() {
  const profile = fs.mkdtempSync(path.join(OUT, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      try {
        await withTimeout(context.close(), 15_000, 'closing Chromium');
      } catch {
        // Hung: end the processes of this Chromium only (its profile folder is on their command line).
        for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
          try {
            if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) process.kill(Number(pid), 'SIGKILL');
          } catch { /* gone already */ }
        }
      }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function runScenario(base, s) {
  const dir = path.join(OUT, s.name.replace(/[^A-Za-z0-9_.-]+/g, '_'));
  const t0 = Date.now();
  // `kept`: snapshots a scenario takes while it runs (the pages reload when they stop), saved with the evidence.
  let chromiumRun = null;
  const sc = { context: null, base, pages: [], kept: {}, steps: [] };
  sc.step = (text) => sc.steps.push(`+${((Date.now() - t0) / 1000).toFixed(1)}s ${text}`);
  const saveEvidence = async () => {
    fs.mkdirSync(dir, { recursive: true });
    for (const p of sc.pages) result.evidence.push(...await p.saveEvidence(dir).catch(() => []));
    fs.writeFileSync(path.join(dir, 'steps.txt'), sc.steps.join('\n') + '\n');
    result.evidence.push(path.join(dir, 'steps.txt'));
    for (const [name, value] of Object.entries(sc.kept)) {
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(value, null, 1));
      result.evidence.push(path.join(dir, `${name}.json`));
    }
  };
  const result = { name: s.name, status: 'passed', message: '', detail: '', evidence: [] };
  let timer;
  try {
    chromiumRun = await withTimeout(launchChromium(), 30_000, 'launching Chromium');
    sc.context = chromiumRun.context;
    await Promise.race([
      s.run(sc),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`scenario timed out after ${s.timeoutMs} ms`)), s.timeoutMs);
      }),
    ]);
  } catch (e) {
    if (e instanceof Skip) {
      result.status = 'skipped';
      result.message = e.message;
    } else {
      result.status = 'failed';
      result.message = e.message;
      result.detail = e.stack ?? e.message;
      await saveEvidence();
      if (DAEMON_LOG && fs.existsSync(DAEMON_LOG)) {
        fs.copyFileSync(DAEMON_LOG, path.join(dir, 'portunusd.log'));
        result.evidence.push(path.join(dir, 'portunusd.log'));
      }
    }
  } finally {
    clearTimeout(timer);
    if (process.env.BROWSER_EVIDENCE === 'always' && result.status === 'passed') await saveEvidence();
    if (chromiumRun) await chromiumRun.close();
  }
  // A scenario that did not finish leaves sessions behind (a closed page does not say goodbye): the next one must
  // start from an empty server. A passing scenario stopped every page itself, so it is checked, not cleaned.
  if (result.status !== 'passed') {
    for (const sid of (await adminApi('list_sessions').catch(() => ({}))).sessions ?? []) {
      await adminApi('destroy_session', `/${sid}`).catch(() => {});
    }
  }
  await waitFor('an empty dataplane between scenarios', async () => (await transportsCount()) === 0, 20_000)
    .catch((e) => {
      if (result.status === 'passed') Object.assign(result, { status: 'failed', message: e.message, detail: e.stack });
    });
  result.seconds = (Date.now() - t0) / 1000;
  result.steps = sc.steps;
  return result;
}

async function main() {
  for (const [v, name] of [[APPLIANCE, 'PORTUNUS_APPLIANCE'], [ADMIN, 'PORTUNUS_ADMIN']]) {
    if (!v) throw new Error(`${name} is not set: run me through tests/browser/lab.py (see run.sh)`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startDemoServer({ appliance: APPLIANCE, admin: { url: ADMIN, secret: ADMIN_SECRET } });
  const results = [];
  try {
    for (const s of SCENARIOS) {
      if (ONLY && !ONLY.test(s.name)) continue;
      const r = await runScenario(server, s);
      results.push(r);
      const extra = r.status === 'passed' ? '' : `: ${r.message}`;
      console.log(`browser: ${r.status.toUpperCase().padEnd(7)} ${r.name} (${r.seconds.toFixed(1)} s)${extra}`);
      if (process.env.BROWSER_VERBOSE) for (const line of r.steps) console.log(`browser:   ${line}`);
      for (const f of r.evidence) console.log(`browser:   evidence ${f}`);
    }
  } finally {
    writeJunit(results);
    await server.close();
  }
  const failed = results.filter((r) => r.status === 'failed').length;
  console.log(`browser: ${results.length - failed} of ${results.length} scenarios did not fail; JUnit: ${JUNIT}`);
  return failed ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => {
  console.error(`browser: ${e.stack ?? e}`);
  process.exit(1);
});
