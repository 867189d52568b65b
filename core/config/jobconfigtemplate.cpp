#include "config/jobconfig.h"

namespace ferry {

// Kept beside the defaults it documents; tst_jobconfig checks that every
// commented-out value here is what JobConfig uses when the key is absent.
QString JobConfig::templateText()
{
    return QStringLiteral(
        "[ferry]\n"
        "\n"
        "# One file per node and job: `ferry CONFIG.ini COMMAND`. Lines starting with\n"
        "# # or ; are comments. Values run to the end of the line as written (no\n"
        "# quotes needed); %(job_name)s and %(config_name)s (this file's name without\n"
        "# .ini) are replaced, %% is a literal %. A londiste3 file works as is.\n"
        "\n"
        "## Required ##\n"
        "\n"
        "# name of this job: names the node's consumer and, by default, the log and\n"
        "# pid files\n"
        "job_name = dst1_digoal_01\n"
        "\n"
        "# this node's database, a libpq connection string (host=... or postgresql://...);\n"
        "# better keep the password in ~/.pgpass than here\n"
        "db = host=127.0.0.1 port=5432 dbname=somedb\n"
        "\n"
        "# queue the cascade replicates through, the same on every node\n"
        "# (letters, digits, _ . -)\n"
        "queue_name = replika\n"
        "\n"
        "## Worker ##\n"
        "\n"
        "# seconds to sleep between work loops when there is nothing to do (default 1.0)\n"
        "#loop_delay = 1.0\n"
        "\n"
        "# how many tables a leaf copies at once, each on two sessions of its own\n"
        "# (one on the provider, one here), while batches go on (default 1)\n"
        "#parallel_copies = 1\n"
        "\n"
        "# compare/repair: longest time in seconds a table may stay locked (default 10)\n"
        "#lock_timeout = 10\n"
        "\n"
        "## Ticker (what pgqd does for londiste3) ##\n"
        "\n"
        "# whether this node's worker also runs the ticker for its queue, on or off;\n"
        "# off: run `ferry CONFIG.ini ticker` yourself (default on)\n"
        "#ticker = on\n"
        "\n"
        "# seconds between ticks (default 1.0)\n"
        "#ticker_period = 1.0\n"
        "\n"
        "## Daemon (-d, -s, -r) ##\n"
        "\n"
        "# where to log; empty: no log file (default ~/log/%(job_name)s.log)\n"
        "#logfile = ~/log/%(job_name)s.log\n"
        "\n"
        "# where to write the pidfile; empty: none (default ~/pid/%(job_name)s.pid)\n"
        "#pidfile = ~/pid/%(job_name)s.pid\n");
}

} // namespace ferry
