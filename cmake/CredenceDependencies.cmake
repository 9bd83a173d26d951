# Debian 12 packages (installed by scripts/setup.sh; docs/dependencies.md says why each is here).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET libcrypto++)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
# The node layer (src/node, apps/credenced).
pkg_check_modules(ROCKSDB REQUIRED IMPORTED_TARGET rocksdb)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # its Cflags carry the library's build defines
find_package(tomlplusplus REQUIRED)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
# GZIP / zlib streams of interop formats (W3C Bitstring Status List, …).
find_package(ZLIB REQUIRED)
if(CREDENCE_TESTS)
  find_package(GTest REQUIRED)
  find_package(rapidcheck REQUIRED)
endif()
if(CREDENCE_BENCH)
  find_package(benchmark REQUIRED)
endif()
