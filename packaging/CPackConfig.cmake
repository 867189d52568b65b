# CPack: `cpack -G DEB` and `cpack -G TGZ` in a build folder package what
# `cmake --install` installs: ferry, ferry-gui, the .desktop file, the AppStream
# metainfo and the hicolor icon. Included from the top-level CMakeLists.txt.

set(CPACK_PACKAGE_NAME "ferry")
set(CPACK_PACKAGE_VENDOR "Ferry developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Trigger-based, queue-based logical replication for PostgreSQL")
set(CPACK_PACKAGE_DESCRIPTION
    "Ferry replicates PostgreSQL tables through a queue: triggers on the source tables \
record every change, and workers apply the changes to the other nodes of a cascade \
in order, in the tradition of PgQ and Londiste 3. The package holds the command line \
tool and daemon `ferry` and the desktop manager `ferry-gui`.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_CONTACT "Ferry developers <ferry@ferry.invalid>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "ferry")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)
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
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "fonts-noto-cjk, postgresql")

include(CPack)
