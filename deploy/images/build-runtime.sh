#!/usr/bin/env bash
# Builds the root file system every service image starts from (Jib's base is `scratch`; this
# directory is added on top of it as one layer): a Java runtime linked with jlink from the JDK
# running the build, the glibc/libstdc++ files that runtime and the native libraries inside the
# service jars link against (found with ldd, copied from the build machine), a passwd entry for
# the non-root user 65532 and an empty /tmp. No container registry is needed. See
# docs/DECISIONS.md ("Images without a registry").
#
#   build-runtime.sh OUT_DIR JAVA_HOME JAR...
set -euo pipefail
out=$1
java_home=$2
shift 2

# java.se + what the services use beyond it: Unsafe (Netty, protobuf), the JDK HTTP server
# (Prometheus endpoint), JVM metrics (com.sun.management), the Vector API (llm kernels), TLS/EC
# and SASL/Kerberos support for Kafka clients, DNS, zip file systems, extra charsets.
modules=java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.incubator.vector
modules+=,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.security.auth,jdk.security.jgss,jdk.naming.dns
modules+=,jdk.zipfs,jdk.charsets

rm -rf "$out"
mkdir -p "$out"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$out/opt/java" 2> >(grep -v 'Using incubator modules' >&2)

# Native libraries the services load: those inside their jars (libraries for other platforms are
# skipped by ldd), gzipped ones (libtorch) unpacked first.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for jar in "$@"; do
  dir="$scratch/$(basename "$jar")"
  mkdir -p "$dir"
  unzip -qq -o "$jar" '*.so' '*.so.*' -d "$dir" 2>/dev/null || true
done
find "$scratch" -name '*.so.gz' -exec gunzip -f {} + 2>/dev/null || true

elves=$(
  {
    # X11 and splash-screen libraries are never loaded: the services run headless.
    find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
      ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjawt.so'
    find "$scratch" -type f \( -name '*.so' -o -name '*.so.*' \)
  } | sort -u
)
libs=$(
  for f in $elves; do
    ldd "$f" 2>/dev/null || true
  done | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u |
    grep -v -e "^$out/" -e "^$scratch/" || true
)
for lib in $libs; do
  cp -L --parents "$lib" "$out"
done

mkdir -p "$out/etc" "$out/tmp" "$out/home/nonroot"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
  > "$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/etc/group"

# The runtime must start with nothing but this tree, as the image's user: checked under chroot
# (with /proc, which the loader needs for $ORIGIN) where the build may do that (root, mounts allowed).
mkdir -p "$out/proc"
if [ "$(id -u)" -eq 0 ] && mount -t proc proc "$out/proc" 2>/dev/null; then
  status=0
  chroot --userspec=65532:65532 "$out" /opt/java/bin/java -Djava.awt.headless=true -version \
    >"$scratch/java-version" 2>&1 || status=$?
  umount "$out/proc"
  if [ "$status" -ne 0 ]; then
    cat "$scratch/java-version" >&2
    echo "the image runtime does not start on its own" >&2
    exit 1
  fi
  echo "image runtime starts on its own: $(head -1 "$scratch/java-version")"
else
  echo "image runtime not started under chroot (needs root and mount)"
fi
echo "image runtime: $(du -sh "$out" | cut -f1) in $out ($(echo "$libs" | wc -w) system libraries)"
