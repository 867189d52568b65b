# CPACK_PROJECT_CONFIG_FILE: read by cpack for each generator.
# The .debs: CPackDeb puts CPACK_PACKAGE_DESCRIPTION_SUMMARY above each
# component's description unless it is CPack's default. Each description
# (CPackConfig.cmake) starts with its own package's summary, so for DEB the
# project's summary goes back to that default and is not repeated.
if(CPACK_GENERATOR STREQUAL "DEB")
    set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
