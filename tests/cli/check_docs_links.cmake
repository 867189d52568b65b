# The user docs point at things that exist: every relative link of
# README.md, docs/guide.md and docs/cli.md names a file in the tree (an
# anchor of its own page, `#...`, names a heading there), and every
# `ferry CONFIG.ini COMMAND` the guide shows uses a command `ferry --help` has.
#   cmake -DFERRY=path/to/ferry -DSOURCE_DIR=. -P check_docs_links.cmake

cmake_minimum_required(VERSION 3.25)

foreach(var FERRY SOURCE_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_docs_links.cmake: -D${var}=... is required")
    endif()
endforeach()

set(problems "")
set(checked 0)

# GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'.
function(anchors_of out text)
    string(REGEX MATCHALL "\n#+ [^\n]+" headings "\n${text}")
    set(result "")
    foreach(h IN LISTS headings)
        string(REGEX REPLACE "^\n#+ " "" h "${h}")
        string(TOLOWER "${h}" h)
        string(REGEX REPLACE "[^-a-z0-9 _]" "" h "${h}")
        string(REPLACE " " "-" h "${h}")
        list(APPEND result "${h}")
    endforeach()
    set(${out} "${result}" PARENT_SCOPE)
endfunction()

foreach(doc README.md docs/guide.md docs/cli.md)
    file(READ "${SOURCE_DIR}/${doc}" text)
    get_filename_component(dir "${SOURCE_DIR}/${doc}" DIRECTORY)
    anchors_of(anchors "${text}")
    # Brackets would stop CMake from splitting a list at ';': mark the links
    # and drop them.
    string(REPLACE "](" "@LINK@(" text "${text}")
    string(REPLACE "[" "" text "${text}")
    string(REPLACE "]" "" text "${text}")
    string(REGEX MATCHALL "@LINK@\\([^)]+\\)" links "${text}")
    foreach(link IN LISTS links)
        string(REGEX REPLACE "^@LINK@\\((.*)\\)$" "\\1" target "${link}")
        if(target MATCHES "^[a-z]+:")
            continue() # http:, https:, mailto:
        endif()
        math(EXPR checked "${checked} + 1")
        if(target MATCHES "^#(.*)$")
            if(NOT CMAKE_MATCH_1 IN_LIST anchors)
                string(APPEND problems "  ${doc}: no heading for the anchor ${target}\n")
            endif()
            continue()
        endif()
        string(REGEX REPLACE "#.*$" "" path "${target}")
        if(NOT EXISTS "${dir}/${path}")
            string(APPEND problems "  ${doc}: the link ${target} names no file\n")
        endif()
    endforeach()
endforeach()

execute_process(COMMAND "${FERRY}" --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${FERRY} --help exited with ${rc}")
endif()
string(REGEX MATCHALL "\n  [a-z][-a-z]*" commands "${help}")
string(REPLACE "\n  " "" commands "${commands}")
file(READ "${SOURCE_DIR}/docs/guide.md" guide)
string(REGEX MATCHALL "ferry( -[a-zA-Z]+)* [^ \n]+\\.ini [a-z][-a-z]*" uses "${guide}")
foreach(use IN LISTS uses)
    string(REGEX REPLACE "^.* " "" command "${use}")
    math(EXPR checked "${checked} + 1")
    if(NOT command IN_LIST commands)
        string(APPEND problems "  docs/guide.md: '${use}': ferry has no command ${command}\n")
    endif()
endforeach()

if(NOT problems STREQUAL "")
    message(FATAL_ERROR "the docs point at things that do not exist:\n${problems}")
endif()
message(STATUS "docs: ${checked} links and ferry commands checked")
