# CPack: `cpack -G DEB` and `cpack -G TGZ` in a release build folder (`./run
# package`) package what `cmake --install` installs, as two Debian packages:
#   ferry      the command line tool and daemon, the SQL scripts, the man page,
#              the ferry-worker@ systemd unit and its system user: no Qt GUI
#              library, so it installs on a headless server (install component
#              `ferry`: cli/, core/, packaging/)
#   ferry-gui  the desktop manager, its .desktop file, AppStream metainfo and
#              hicolor icons; depends on ferry of the same version (install
#              component `gui`: gui/, packaging/)
# and one tarball of both. Included from the top-level CMakeLists.txt.

set(CPACK_PACKAGE_NAME "ferry")
set(CPACK_PACKAGE_VENDOR "Ferry developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Trigger-based, queue-based logical replication for PostgreSQL")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_CONTACT "Ferry developers <ferry@ferry.invalid>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "ferry")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)
# Both formats hold the tree as installed on a Debian system: /usr/... and the
# unit under /lib/systemd/system (an absolute path, hence DESTDIR staging).
# The tarball unpacks onto / (`tar -C / -xzf`), like the .debs.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "/\\\\.cache/")
# Each .deb's summary is the first line of its component's description (below);
# CPackDeb would put the project's summary above it (cpack-options.cmake).
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/cpack-options.cmake")

# The two packages. Every install() rule names one of these components; the
# tarball (CPACK_ARCHIVE_COMPONENT_INSTALL off) holds both. A build without
# the GUI (FERRY_BUILD_GUI=OFF) makes the package ferry alone.
if(FERRY_BUILD_GUI)
    set(CPACK_COMPONENTS_ALL ferry gui)
else()
    set(CPACK_COMPONENTS_ALL ferry)
endif()
set(CPACK_DEB_COMPONENT_INSTALL ON)
# Lines under 80 columns: the .deb's extended description shows them as they are.
set(CPACK_COMPONENT_FERRY_DESCRIPTION
    "Trigger-based, queue-based logical replication for PostgreSQL
Ferry replicates PostgreSQL tables through a queue: triggers on the source
tables record every change, and workers apply the changes to the other nodes
of a cascade in order, in the tradition of PgQ and Londiste 3. This package
holds the command line tool and daemon ferry, its SQL scripts, and the
systemd service ferry-worker@ that runs a worker as the system user ferry.
It needs no display: the desktop manager is in the package ferry-gui.")
set(CPACK_COMPONENT_GUI_DESCRIPTION
    "Desktop manager for Ferry, PostgreSQL logical replication
ferry-gui shows the cascades of Ferry, a trigger-based, queue-based logical
replication tool for PostgreSQL: nodes and their lag, the tables and their
copy, the workers and their errors. It creates nodes and adds tables with
wizards, runs workers or installs them as ferry-worker@ services, compares
and repairs tables and executes SQL on every node.")

# Debian packages: ferry_VERSION_ARCH.deb and ferry-gui_VERSION_ARCH.deb.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_FERRY_PACKAGE_NAME "ferry")
set(CPACK_DEBIAN_GUI_PACKAGE_NAME "ferry-gui")
set(CPACK_DEBIAN_PACKAGE_SOURCE "ferry")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
# Library dependencies come from dpkg-shlibdeps, per package: ferry links
# QtCore and libpq only (test ferry_links_no_gui).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser: the postinst creates the system user of the worker service.
set(CPACK_DEBIAN_FERRY_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_FERRY_PACKAGE_RECOMMENDS "logrotate")
set(CPACK_DEBIAN_FERRY_PACKAGE_SUGGESTS "postgresql, ferry-gui")
# The same version of ferry: the GUI runs `ferry -d` workers and installs
# services of the ferry package's unit. Qt loads the SVG icon engine as a
# plugin, which dpkg-shlibdeps cannot see, so it is named here.
set(CPACK_DEBIAN_GUI_PACKAGE_DEPENDS "ferry (= ${CPACK_PACKAGE_VERSION}), libqt6svg6")
# Up to 0.1.0 one package, ferry, held ferry-gui's files too: ferry-gui takes
# them over from it (Replaces), and is not unpacked beside it (Breaks), so the
# two new packages install over the old one in either order.
set(CPACK_DEBIAN_GUI_PACKAGE_BREAKS "ferry (<< 0.1.1~)")
set(CPACK_DEBIAN_GUI_PACKAGE_REPLACES "ferry (<< 0.1.1~)")
set(CPACK_DEBIAN_GUI_PACKAGE_RECOMMENDS "qt6-translations-l10n")
set(CPACK_DEBIAN_GUI_PACKAGE_SUGGESTS "fonts-noto-cjk")

# The system user, the folders of configs and logs, and what purge removes
# (docs/DESIGN.md, "Packages"): ferry's only; ferry-gui has no maintainer script.
set(CPACK_DEBIAN_FERRY_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_LIST_DIR}/debian/postinst;${CMAKE_CURRENT_LIST_DIR}/debian/prerm;${CMAKE_CURRENT_LIST_DIR}/debian/postrm;${CMAKE_CURRENT_LIST_DIR}/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
