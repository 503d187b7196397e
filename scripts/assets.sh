#!/bin/sh
# Install the pinned front-end packages and copy what the pages load into static files.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dest=src/crm/web/static/vendor
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/"
cp node_modules/echarts/dist/echarts.min.js "$dest/"
cp node_modules/sortablejs/Sortable.min.js "$dest/"
