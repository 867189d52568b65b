# The man page ferry(1) as installed (gzipped): `man --warnings -l` renders it
# with nothing on stderr, every command `ferry --help` lists has its entry
# under COMMANDS, and every long option it lists is in the page.
#   cmake -DFERRY=path/to/ferry -DMANPAGE=ferry.1.gz -P check_manpage.cmake
# Exits 77 (skipped) where man(1) is not installed (Debian package man-db).

cmake_minimum_required(VERSION 3.25)

foreach(var FERRY MANPAGE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_manpage.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT EXISTS "${MANPAGE}")
    message(FATAL_ERROR "no man page at ${MANPAGE}: build the target ferry_manpage")
endif()
find_program(MAN man)
if(NOT MAN)
    message("man is not installed (Debian package man-db): skipped")
    cmake_language(EXIT 77)
endif()

# A fixed width and no pager, so the result does not depend on the terminal.
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env MANWIDTH=80 MANPAGER=cat PAGER=cat LC_ALL=C.UTF-8
            "${MAN}" --warnings -l "${MANPAGE}"
    OUTPUT_VARIABLE page ERROR_VARIABLE warnings RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT warnings STREQUAL "")
    message(FATAL_ERROR "man --warnings -l ${MANPAGE} exited with ${rc}:\n${warnings}")
endif()
# man may print bold and underlined text with backspaces: drop them.
string(ASCII 8 backspace)
string(REGEX REPLACE ".${backspace}" "" page "${page}")

execute_process(COMMAND "${FERRY}" --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${FERRY} --help exited with ${rc}")
endif()
string(REGEX MATCHALL "\n  [a-z][-a-z]*" commands "${help}")
string(REGEX MATCHALL "--[a-z][-a-z]*" longs "${help}")
# Each command starts an entry of the COMMANDS section; each long option is
# somewhere in the page.
string(FIND "${page}" "\nCOMMANDS\n" from)
string(FIND "${page}" "\nEXIT STATUS\n" to)
if(from EQUAL -1 OR to LESS from)
    message(FATAL_ERROR "the man page has no COMMANDS or EXIT STATUS section")
endif()
math(EXPR length "${to} - ${from} + 1")
string(SUBSTRING "${page}" ${from} ${length} command_section)
set(missing "")
foreach(word IN LISTS commands longs)
    string(STRIP "${word}" word)
    # The page's hyphens are roff's \-, rendered as a plain '-' or U+2010/2212.
    string(REPLACE "-" "[-‐−]" pattern "${word}")
    if(word MATCHES "^--")
        set(where "${page}")
        set(pattern "(^|[^-a-z])${pattern}([^-a-z]|$)")
    else()
        set(where "${command_section}")
        set(pattern "\n       ${pattern}( |\n)")
    endif()
    if(NOT where MATCHES "${pattern}")
        list(APPEND missing "${word}")
    endif()
endforeach()
if(missing)
    message(FATAL_ERROR "the man page lacks: ${missing}")
endif()
list(LENGTH commands n)
message(STATUS "man page renders without warnings and names all ${n} commands")
