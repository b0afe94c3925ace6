#!/bin/sh
# Fails when an include crosses the layering the wrong way (README "Layout"):
# each folder may include only the folders listed for it, and only link/
# (with common/link_wire) and the bridge may include sd-bus or sdbus-c++.
# Usage: check_layering.sh SOURCE_DIR. Prints every offending line as
# FILE:LINE: ..., exits 1 if there is any.
set -eu
top=$1

# folder (relative to the top) and the folders its includes may name
allowed() {
  case $1 in
    common) echo "common" ;;
    daemon/units) echo "common units" ;;
    daemon/platform) echo "common platform" ;;
    daemon/exec) echo "common units platform exec" ;;
    daemon/logs) echo "common units platform logs" ;;
    daemon/supervision) echo "common units platform exec logs supervision" ;;
    daemon/broker) echo "common units platform logs supervision broker" ;;
    daemon/link) echo "common units platform logs supervision broker link" ;;
    daemon) echo "common units platform exec logs supervision broker link ." ;;
    bridge/link_client) echo "common link_client" ;;
    bridge/bridge) echo "common link_client bridge" ;;
    bridge/ctl) echo "common ctl" ;;
    *) echo "?" ;;
  esac
}

may_use_sd_bus() {
  case $1 in
    daemon/link/*|bridge/*|common/link_wire.*) return 0 ;;
    *) return 1 ;;
  esac
}

may_use_sdbus_cpp() {
  case $1 in
    bridge/bridge/*|bridge/ctl/*) return 0 ;;
    *) return 1 ;;
  esac
}

check() {
for file in $(find common daemon bridge -name '*.h' -o -name '*.cpp' 2>/dev/null | sort); do
  folder=$(dirname "$file")
  permitted=$(allowed "$folder")
  if [ "$permitted" = "?" ]; then
    echo "$file:1: folder $folder has no place in the layering (add it to check_layering.sh)"
    continue
  fi
  # Quoted includes: the first path component is the folder.
  grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" | while IFS= read -r hit; do
    line=${hit%%:*}
    target=$(printf '%s\n' "$hit" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
    case $target in
      */*) target_folder=${target%%/*} ;;
      *) target_folder=. ;;
    esac
    case $target in
      org.vermilion1.*) target_folder=sdbus-c++ ;;
      systemd1_vtables.h) target_folder=systemd1-vtables ;;  # generated sd-bus glue
    esac
    ok=no
    for p in $permitted; do [ "$p" = "$target_folder" ] && ok=yes; done
    if [ "$target_folder" = sdbus-c++ ] && may_use_sdbus_cpp "$file"; then ok=yes; fi
    case $file in bridge/bridge/*) [ "$target_folder" = systemd1-vtables ] && ok=yes ;; esac
    if [ $ok = no ]; then
      echo "$file:$line: includes \"$target\": $folder may include only: $permitted"
    fi
  done
  if grep -qn '#[[:space:]]*include[[:space:]]*<systemd/sd-bus' "$file" && ! may_use_sd_bus "$file"; then
    echo "$file:$(grep -n 'include[[:space:]]*<systemd/sd-bus' "$file" | head -1 | cut -d: -f1): includes sd-bus: only daemon/link/, common/link_wire and the bridge may"
  fi
  if grep -qn '#[[:space:]]*include[[:space:]]*<sdbus-c++' "$file" && ! may_use_sdbus_cpp "$file"; then
    echo "$file:$(grep -n 'include[[:space:]]*<sdbus-c++' "$file" | head -1 | cut -d: -f1): includes sdbus-c++: only the bridge's programs may"
  fi
done
}

cd "$top"
problems=$(check)
if [ -n "$problems" ]; then
  printf '%s\n' "$problems"
  exit 1
fi
