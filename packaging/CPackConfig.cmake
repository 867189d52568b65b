# CPack: `cpack -G DEB` and `cpack -G TGZ` in a release build folder (`./run
# package`) package what `cmake --install` installs: ferry, ferry-gui, the SQL
# scripts, the .desktop file, the AppStream metainfo, the hicolor icons and the
# ferry-worker@ systemd unit. Included from the top-level CMakeLists.txt.

set(CPACK_PACKAGE_NAME "ferry")
set(CPACK_PACKAGE_VENDOR "Ferry developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Trigger-based, queue-based logical replication for PostgreSQL")
# Lines under 80 columns: the .deb's extended description shows them as they are.
set(CPACK_PACKAGE_DESCRIPTION
    "Ferry replicates PostgreSQL tables through a queue: triggers on the source
tables record every change, and workers apply the changes to the other nodes
of a cascade in order, in the tradition of PgQ and Londiste 3. The package
holds the command line tool and daemon ferry, the desktop manager ferry-gui
and the systemd service ferry-worker@ that runs a worker as the system user
ferry.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_CONTACT "Ferry developers <ferry@ferry.invalid>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "ferry")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)
# Both packages hold the tree as installed on a Debian system: /usr/... and the
# unit under /lib/systemd/system (an absolute path, hence DESTDIR staging).
# The tarball unpacks onto / (`tar -C / -xzf`), like the .deb.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "/\\\\.cache/")

# Debian package
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
# Library dependencies come from dpkg-shlibdeps. Qt loads the SVG icon engine as a
# plugin, which dpkg-shlibdeps cannot see, so it is named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser: the postinst creates the system user of the worker service.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "fonts-noto-cjk, postgresql")

# The system user, the folders of configs and logs, and what purge removes
# (docs/DESIGN.md, "Packages").
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_LIST_DIR}/debian/postinst;${CMAKE_CURRENT_LIST_DIR}/debian/prerm;${CMAKE_CURRENT_LIST_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
