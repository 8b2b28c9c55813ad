# The fully static, stripped fleetmcp that scripts/build-static makes: included
# by CMakeLists.txt when FLEETMCP_STATIC is on, after the targets exist.
#
# libpq.a comes from scripts/lib/static_deps.sh (no GSSAPI/LDAP, which Debian's
# libpq.a would drag in); it needs libpq's two support archives and OpenSSL.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CARES REQUIRED libcares)
find_library(FLEETMCP_CARES_ARCHIVE libcares.a HINTS ${CARES_LIBRARY_DIRS} REQUIRED)
foreach(support IN ITEMS pgcommon_shlib pgport_shlib)
  find_library(FLEETMCP_${support}_ARCHIVE lib${support}.a HINTS ${PostgreSQL_LIBRARY_DIRS} REQUIRED NO_DEFAULT_PATH)
  set_property(TARGET PostgreSQL::PostgreSQL APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${FLEETMCP_${support}_ARCHIVE})
endforeach()
set_property(TARGET PostgreSQL::PostgreSQL APPEND PROPERTY INTERFACE_LINK_LIBRARIES OpenSSL::SSL OpenSSL::Crypto)
# libpqxx's exported target names the libpq it was built against; scripts/setup's
# archive (which scripts/lib/static_deps.sh may reuse) names the shared one.
set_property(TARGET libpqxx::pqxx PROPERTY INTERFACE_LINK_LIBRARIES PostgreSQL::PostgreSQL)

# Debian ships spdlog and fmt as shared libraries only, so the static build
# compiles their definitions once, in src/static/compiled_logging.cpp (not
# header-only: that compiled them into every file that logs, at twice the time).
add_library(fleetmcp_compiled_logging INTERFACE)
target_compile_definitions(fleetmcp_compiled_logging INTERFACE SPDLOG_FMT_EXTERNAL SPDLOG_COMPILED_LIB)
target_link_libraries(fleetmcp_compiled_logging INTERFACE Threads::Threads)
foreach(property IN ITEMS LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
  get_target_property(libraries fleetmcp_core ${property})
  list(TRANSFORM libraries REPLACE "^spdlog::spdlog$" fleetmcp_compiled_logging)
  set_target_properties(fleetmcp_core PROPERTIES ${property} "${libraries}")
endforeach()

# Name and user lookup without glibc NSS: see src/static/*.cpp. The warnings
# the link still prints name functions fleetmcp never reaches (OpenSSL's
# BIO_gethostbyname and DSO loader, c-ares' service-name lookups).
target_sources(fleetmcp PRIVATE ${PROJECT_SOURCE_DIR}/src/static/nss_free_resolver.cpp
                                ${PROJECT_SOURCE_DIR}/src/static/passwd_file_lookup.cpp
                                ${PROJECT_SOURCE_DIR}/src/static/compiled_logging.cpp)
target_include_directories(fleetmcp PRIVATE ${CARES_INCLUDE_DIRS})
target_link_libraries(fleetmcp PRIVATE ${FLEETMCP_CARES_ARCHIVE})
target_link_options(fleetmcp PRIVATE -static -s -Wl,--gc-sections -Wl,--wrap=getaddrinfo -Wl,--wrap=freeaddrinfo
                    -Wl,--wrap=getpwuid -Wl,--wrap=getpwuid_r)

include(${PROJECT_SOURCE_DIR}/packaging/cpack.cmake)
