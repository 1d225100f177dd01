// Copies the few front-end files Savad serves from npm packages into static_build/vendor/,
// where Django's staticfiles (and whitenoise in production) pick them up.
// Only what pages load is copied: no third-party code is committed to the repository.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static_build", "vendor");

const files = [
  // Web fonts: the Arabic-script glyphs only (21 KB each; Latin text uses the system font).
  ["vazirmatn/misc/Non-Latin/fonts/webfonts/Vazirmatn-NL-Regular.woff2", "vazirmatn/Vazirmatn-NL-Regular.woff2"],
  ["vazirmatn/misc/Non-Latin/fonts/webfonts/Vazirmatn-NL-Bold.woff2", "vazirmatn/Vazirmatn-NL-Bold.woff2"],
  ["vazirmatn/OFL.txt", "vazirmatn/OFL.txt"],
  // TrueType files for PDFs (WeasyPrint embeds them in certificates).
  ["vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf", "vazirmatn/Vazirmatn-Regular.ttf"],
  ["vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf", "vazirmatn/Vazirmatn-Bold.ttf"],
  // Charts on the learner dashboard (UMD build, no bundler needed).
  ["chart.js/dist/chart.umd.min.js", "chart.js/chart.umd.min.js"],
  ["chart.js/dist/chart.umd.min.js.map", "chart.js/chart.umd.min.js.map"],
  ["chart.js/LICENSE.md", "chart.js/LICENSE.md"],
  // The H5P player: its whole dist/ folder (bundles, styles, fonts, images, licence notes).
  ["h5p-standalone/dist", "h5p-standalone"],
  ["h5p-standalone/LICENSE", "h5p-standalone/LICENSE"],
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of files) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.error(`build-assets: ${source} is missing; run "npm ci" first.`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(source, join(out, to), { recursive: true });
}
console.log(`build-assets: copied ${files.length} files into static_build/vendor/`);
