# Writes the man page ferry(1) from what the built binary prints, so the
# page cannot drift from `ferry --help` and `ferry --ini`:
#   cmake -DFERRY=path/to/ferry -DOUTPUT=ferry.1 [-DGZIP_OUTPUT=ferry.1.gz] -P manpage.cmake
# Sections: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS, EXIT STATUS,
# FILES (the CONFIG.ini template and the package's files), SEE ALSO.

cmake_minimum_required(VERSION 3.25)

foreach(var FERRY OUTPUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "manpage.cmake: -D${var}=... is required")
    endif()
endforeach()

execute_process(COMMAND "${FERRY}" --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "manpage.cmake: ${FERRY} --help exited with ${rc}")
endif()
execute_process(COMMAND "${FERRY}" --ini OUTPUT_VARIABLE ini RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "manpage.cmake: ${FERRY} --ini exited with ${rc}")
endif()
execute_process(COMMAND "${FERRY}" --version OUTPUT_VARIABLE version_text RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "manpage.cmake: ${FERRY} --version exited with ${rc}")
endif()
string(REGEX MATCH "^ferry ([^\n]+)" _ "${version_text}")
set(version "${CMAKE_MATCH_1}")

# Text as roff reads it: backslashes doubled, hyphens as \-, a leading dot
# or quote made harmless.
function(roff_escape out text)
    string(REPLACE "\\" "\\e" text "${text}")
    string(REPLACE "-" "\\-" text "${text}")
    string(REGEX REPLACE "^([.'])" "\\\\&\\1" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Splits the help into its lines (CMake lists: protect the semicolons).
string(REPLACE ";" "\\;" help "${help}")
string(REPLACE "\n" ";" help_lines "${help}")

set(section "")
set(description "")
set(options "")
set(commands "")
set(notes "")
set(exit_status "")
set(synopsis "")
set(pending_command "")
foreach(line IN LISTS help_lines)
    if(line MATCHES "^Usage: ferry (.*)$")
        roff_escape(s "${CMAKE_MATCH_1}")
        string(APPEND synopsis "\\fBferry\\fR ${s}\n")
        set(section usage)
    elseif(section STREQUAL "usage" AND line MATCHES "^       ferry (.*)$")
        roff_escape(s "${CMAKE_MATCH_1}")
        string(APPEND synopsis "\\fBferry\\fR ${s}\n")
    elseif(line STREQUAL "Options:")
        set(section options)
    elseif(line STREQUAL "Commands:")
        set(section commands)
    elseif(line STREQUAL "Exit status:")
        set(section exit)
    elseif(line STREQUAL "")
        if(section STREQUAL "usage")
            set(section description)
        elseif(section STREQUAL "commands")
            set(section notes)
        endif()
    elseif(section STREQUAL "description")
        roff_escape(s "${line}")
        string(APPEND description "${s}\n")
    elseif(section STREQUAL "options" AND line MATCHES "^  (-[^ ]*( -[^ ]*)*|-[^ ]+, -[^ ]+) +(.*)$")
        roff_escape(flags "${CMAKE_MATCH_1}")
        roff_escape(text "${CMAKE_MATCH_3}")
        string(APPEND options ".TP\n.B ${flags}\n${text}\n")
    elseif(section STREQUAL "commands" AND line MATCHES "^                                (.*)$")
        # The summary of a synopsis too long to share its line.
        string(STRIP "${CMAKE_MATCH_1}" text)
        roff_escape(text "${text}")
        string(APPEND commands "${text}\n")
    elseif(section STREQUAL "commands" AND line MATCHES "^  ([a-z][-a-z]*)(( [^ ]+)*)(  +(.*))?$")
        roff_escape(name "${CMAKE_MATCH_1}")
        string(STRIP "${CMAKE_MATCH_2}" args)
        roff_escape(args "${args}")
        roff_escape(text "${CMAKE_MATCH_5}")
        # The tag line: the command in bold, its arguments in italics.
        if(args STREQUAL "")
            string(APPEND commands ".TP\n.B ${name}\n")
        else()
            string(APPEND commands ".TP\n\\fB${name}\\fR \\fI${args}\\fR\n")
        endif()
        if(NOT text STREQUAL "")
            string(APPEND commands "${text}\n")
        endif()
    elseif(section STREQUAL "notes")
        roff_escape(s "${line}")
        string(APPEND notes "${s}\n")
    elseif(section STREQUAL "exit" AND line MATCHES "^  ([0-9]+)  (.*)$")
        roff_escape(text "${CMAKE_MATCH_2}")
        string(APPEND exit_status ".TP\n.B ${CMAKE_MATCH_1}\n${text}\n")
    else()
        message(FATAL_ERROR "manpage.cmake: a line of `ferry --help` it does not understand "
                            "(section '${section}'): '${line}'")
    endif()
endforeach()
if(commands STREQUAL "" OR options STREQUAL "" OR exit_status STREQUAL "")
    message(FATAL_ERROR "manpage.cmake: `ferry --help` has no Options, Commands or Exit status")
endif()
if(NOT notes STREQUAL "")
    set(notes ".PP\n${notes}")
endif()

# The CONFIG.ini template, verbatim.
string(REPLACE ";" "\\;" ini "${ini}")
string(REPLACE "\n" ";" ini_lines "${ini}")
set(files "")
foreach(line IN LISTS ini_lines)
    roff_escape(s "${line}")
    string(APPEND files "${s}\n")
endforeach()

roff_escape(version_escaped "${version}")
file(WRITE "${OUTPUT}" ".\\\" Generated from `ferry --help` and `ferry --ini` by cli/manpage.cmake; do not edit.
.TH FERRY 1 \"\" \"ferry ${version_escaped}\" \"User Commands\"
.\\\" No hyphenation: commands and options stay whole, as they are typed.
.nh
.SH NAME
ferry \\- trigger/queue-based logical replication for PostgreSQL
.SH SYNOPSIS
.nf
${synopsis}.fi
.SH DESCRIPTION
${description}.PP
Every command reads and checks
.I CONFIG.ini
first: one file per node and job, with londiste3's keys (see
.B FILES
below).
.B worker
and
.B ticker
run until stopped; with
.B \\-d
they run as daemons, stopped by
.B \\-s
and told to re-read
.I CONFIG.ini
by
.BR \\-r .
.SH OPTIONS
${options}.SH COMMANDS
${commands}${notes}.SH EXIT STATUS
${exit_status}.SH FILES
.TP
.I CONFIG.ini
The job's configuration, as
.B ferry \\-\\-ini
prints it:
.PP
.RS
.nf
${files}.fi
.RE
.PP
Installed from the package ferry:
.TP
.I /etc/ferry/NAME.ini
The job config of the service
.BR ferry\\-worker@NAME ,
which runs
.B ferry /etc/ferry/NAME.ini worker
as the system user ferry (\\fBsystemctl enable \\-\\-now ferry\\-worker@NAME\\fR).
Readable by the group ferry; purging the package keeps it.
.TP
.I /var/log/ferry
The services' log files
.RI ( \"logfile = /var/log/ferry/NAME.log\" ).
.TP
.I /run/ferry
Their pidfiles
.RI ( \"pidfile = /run/ferry/NAME.pid\" ),
made again at each boot.
.B ferry \\-r
finds a worker by the pidfile its config names now: after changing
.BR pidfile ,
restart the service instead of reloading it.
.TP
.I /usr/share/ferry/sql
The SQL that ferry installs into each database, for DBAs to read;
.B ferry
installs the copy built into it.
.TP
.I ~ferry/.pgpass
.RI ( /var/lib/ferry/.pgpass )
The passwords of the services' connections (mode 0600, owned by ferry),
which keeps them out of the job configs.
.SH SEE ALSO
.BR psql (1),
.BR pg_ctl (1),
.BR systemctl (1),
.BR systemd.exec (5)
.PP
.B ferry\\-gui
(package ferry\\-gui) is the desktop manager for the same jobs.
")

if(DEFINED GZIP_OUTPUT)
    # -n: no name or time stamp in the archive, so the page builds reproducibly.
    execute_process(COMMAND gzip -n -9 -c "${OUTPUT}" OUTPUT_FILE "${GZIP_OUTPUT}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "manpage.cmake: gzip of ${OUTPUT} failed (${rc})")
    endif()
endif()
