# The .deb of the static build (scripts/build-static runs cpack): the binary,
# the role SQL with its bootstrap script, the docs, and the gateway service.
#
# /usr/share/fleetmcp mirrors the repository layout (scripts/, scripts/lib/,
# sql/) so bootstrap_analytics_ro.sh finds its helpers and the role SQL there.
set(FLEETMCP_SHARE share/fleetmcp)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sql/ DESTINATION ${FLEETMCP_SHARE}/sql)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/bootstrap_analytics_ro.sh DESTINATION ${FLEETMCP_SHARE}/scripts)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/lib/common.sh DESTINATION ${FLEETMCP_SHARE}/scripts/lib)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/fleetmcp)
if(EXISTS ${PROJECT_SOURCE_DIR}/docs)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/fleetmcp FILES_MATCHING PATTERN "*.md")
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/packaging/claude/ DESTINATION share/doc/fleetmcp/examples)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/fleetmcp-gateway.service DESTINATION /lib/systemd/system)
# Holds the DSN password and the analysts' tokens: root only (systemd reads it
# before starting the service as its dynamic user).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/fleetmcp.env.example DESTINATION /etc/fleetmcp
        RENAME gateway.env PERMISSIONS OWNER_READ OWNER_WRITE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fleetmcp)
set(CPACK_PACKAGE_VENDOR "fleetmcp")
set(CPACK_PACKAGE_CONTACT "fleetmcp maintainers <fleetmcp@fivetitude.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
# A static executable: nothing to depend on.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-client, docker.io")
# Keep an operator's edited env file across upgrades.
file(WRITE ${PROJECT_BINARY_DIR}/debian/conffiles "/etc/fleetmcp/gateway.env\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/conffiles)
include(CPack)
