#!/bin/sh
# Installs what building HiGHS from source needs (cmake, clang, libclang) when any is missing,
# through apt-get: directly as root, through sudo otherwise. Does nothing when all are there.
set -eu
have_libclang() {
    ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/*/libclang*.so* >/dev/null 2>&1
}
if command -v cmake >/dev/null && command -v clang >/dev/null && have_libclang; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null; then
    as_root="sudo"
else
    echo "error: cmake, clang and libclang-dev are needed to build HiGHS; run this as root or install sudo" >&2
    exit 1
fi
echo "installing cmake, clang and libclang-dev (apt-get) ..." >&2
$as_root apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake clang libclang-dev
