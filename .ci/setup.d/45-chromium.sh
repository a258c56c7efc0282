# chromium + playwright-core: gateway's web client is tested in a real headless browser
# (WebClientBrowserTest). playwright-core drives the Debian chromium through executablePath; it
# never downloads a browser of its own.
command -v chromium >/dev/null || apt_install chromium fonts-dejavu-core
[ -e .tools/playwright/node_modules/playwright-core/package.json ] \
  || npm install --silent --no-audit --no-fund --prefix .tools/playwright playwright-core@1
