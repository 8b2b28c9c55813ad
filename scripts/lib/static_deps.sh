# shellcheck shell=bash
# Static libpq and libpqxx for scripts/build-static, built from Debian source
# packages at pinned versions and cached under $FLEETMCP_DEPS. Source it.
# (Requires common.sh to be sourced first.)

STATIC_LIBPQ_VERSION=15.18-0+deb12u1   # bookworm's postgresql-15, the server we test against
STATIC_LIBPQXX_VERSION=7.10.0-2        # trixie's libpqxx, as scripts/setup uses

# Debian keeps only the current version of a package in its archive, so when a
# pinned one has been superseded we take the current one and say so; the cache
# directory names the version actually built.
fetch_debian_source() {
  local package="$1" version="$2" dir="$3"
  (cd "$dir" && apt-get source --download-only "$package=$version" >/dev/null 2>&1) && return 0
  log "warning: $package $version is no longer in the archive; using the current version"
  (cd "$dir" && apt-get source --download-only "$package" >/dev/null 2>&1) \
    || die "apt-get source $package failed (is a deb-src line for its suite configured?)"
}

# deb-src lists for apt-get source: bookworm (postgresql-15) and trixie
# (libpqxx; the same file scripts/setup writes, so either may come first).
ensure_deb_src() {
  local name="$1" uri="$2" suites="$3"
  local list="/etc/apt/sources.list.d/fleetmcp-$name-src.sources"
  [ -f "$list" ] && return 1
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$suites" | as_root tee "$list" >/dev/null
}
ensure_source_lists() {
  local added=false
  ensure_deb_src bookworm http://deb.debian.org/debian "bookworm bookworm-updates" && added=true
  ensure_deb_src bookworm-security http://deb.debian.org/debian-security bookworm-security && added=true
  ensure_deb_src trixie http://deb.debian.org/debian trixie && added=true
  if $added; then as_root apt-get update -qq; fi
}

upstream_version() { local v="${1#*:}"; echo "${v%%-*}"; }
# PG_MAJORVERSION from the pg_config.h in include directory $1 (empty if none).
pg_major_version() { sed -n 's/^#define PG_MAJORVERSION "\(.*\)"$/\1/p' "$1/pg_config.h" 2>/dev/null; }

# Prints the prefix holding include/ and lib/{libpq,libpgcommon_shlib,libpgport_shlib}.a.
# Only what a client needs is built: libpq and the two support libraries.
# No GSSAPI/LDAP (Debian's libpq.a needs them), no readline/ICU/zlib.
build_static_libpq() {
  local prefix
  prefix="$FLEETMCP_DEPS/static/libpq-$(upstream_version "$STATIC_LIBPQ_VERSION")"
  if [ -f "$prefix/.done" ]; then echo "$prefix"; return 0; fi
  ensure_source_lists
  log "building static libpq into $prefix"
  local work; work=$(mktemp -d)
  fetch_debian_source postgresql-15 "$STATIC_LIBPQ_VERSION" "$work"
  tar -xjf "$work"/postgresql-15_*.orig.tar.bz2 -C "$work"
  local src; src=$(find "$work" -maxdepth 1 -type d -name 'postgresql-15*' | head -n 1)
  prefix="$FLEETMCP_DEPS/static/libpq-${src##*postgresql-}"
  if [ -f "$prefix/.done" ]; then rm -rf "$work"; echo "$prefix"; return 0; fi
  (cd "$src" && ./configure --prefix="$prefix" --without-readline --without-icu --without-gssapi \
     --without-ldap --with-ssl=openssl --without-zlib >"$work/configure.log" 2>&1) \
    || { tail -n 20 "$work/configure.log" >&2; die "libpq configure failed"; }
  # The headers the backend generates (errcodes.h, …) first, which a plain
  # make in each directory would ask for; then only the static archives
  # (all-static-lib: no libpq.so to link and check).
  local jobs; jobs=$(nproc)
  local step
  for step in "src/backend generated-headers" "src/port libpgport_shlib.a" "src/common libpgcommon_shlib.a" \
              "src/interfaces/libpq all-static-lib"; do
    make -C "$src/${step% *}" -j"$jobs" "${step#* }" >"$work/make.log" 2>&1 \
      || { tail -n 20 "$work/make.log" >&2; die "make ${step#* } in ${step% *} failed"; }
  done
  make -C "$src/src/include" install >/dev/null
  # Only the archives (libpq's own install target would link libpq.so first),
  # so nothing downstream can pick a shared libpq by accident.
  install -d "$prefix/lib"
  install -m 644 "$src/src/interfaces/libpq/libpq.a" "$src/src/common/libpgcommon_shlib.a" \
    "$src/src/port/libpgport_shlib.a" "$prefix/lib/"
  install -m 644 "$src/src/interfaces/libpq/libpq-fe.h" "$src/src/interfaces/libpq/libpq-events.h" "$prefix/include/"
  touch "$prefix/.done"
  rm -rf "$work"
  echo "$prefix"
}

# Prints the prefix of a static libpqxx for the static libpq at $1.
#
# scripts/setup's libpqxx is already a static archive of the same version,
# built by the same compiler against Debian's libpq headers; when those are
# the same PostgreSQL major version as the static libpq, the archive is what
# building again would make (libpqxx uses only libpq's public C API), so it is
# reused. Otherwise (no setup, another libpq) libpqxx is built here.
build_static_libpqxx() {
  local libpq_prefix="$1"
  local setup_prefix
  setup_prefix="$FLEETMCP_DEPS/libpqxx-$(upstream_version "$STATIC_LIBPQXX_VERSION")"
  if [ -f "$setup_prefix/.done" ] && [ -f "$setup_prefix/lib/libpqxx.a" ] \
     && [ "$(pg_major_version /usr/include/postgresql)" = "$(pg_major_version "$libpq_prefix/include")" ]; then
    echo "$setup_prefix"; return 0
  fi
  local prefix
  prefix="$FLEETMCP_DEPS/static/libpqxx-$(upstream_version "$STATIC_LIBPQXX_VERSION")-${libpq_prefix##*/}"
  if [ -f "$prefix/.done" ]; then echo "$prefix"; return 0; fi
  log "building static libpqxx into $prefix"
  ensure_source_lists
  local work; work=$(mktemp -d)
  fetch_debian_source libpqxx "$STATIC_LIBPQXX_VERSION" "$work"
  tar -xzf "$work"/libpqxx_*.orig.tar.gz -C "$work"
  local src; src=$(find "$work" -maxdepth 1 -type d -name 'libpqxx-*' | head -n 1)
  cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBUILD_SHARED_LIBS=OFF -DSKIP_BUILD_TEST=ON -DBUILD_DOC=OFF -DCMAKE_CXX_STANDARD=20 \
    -DPostgreSQL_ROOT="$libpq_prefix" -DPostgreSQL_INCLUDE_DIR="$libpq_prefix/include" \
    -DPostgreSQL_LIBRARY="$libpq_prefix/lib/libpq.a" >"$work/cmake.log" 2>&1 \
    || { tail -n 20 "$work/cmake.log" >&2; die "libpqxx configure failed"; }
  cmake --build "$work/build" -- -j2 >"$work/build.log" 2>&1 || { tail -n 20 "$work/build.log" >&2; die "libpqxx build failed"; }
  cmake --install "$work/build" >/dev/null
  touch "$prefix/.done"
  rm -rf "$work"
  echo "$prefix"
}
