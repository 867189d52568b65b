#include "commandtable.h"

namespace ferry::cli {

namespace {

CommandInfo notBuilt(const char *name, const char *arguments, const char *summary)
{
    return {QString::fromLatin1(name), QString::fromLatin1(arguments), QString::fromLatin1(summary),
            false};
}

CommandInfo built(const char *name, const char *arguments, const char *summary)
{
    return {QString::fromLatin1(name), QString::fromLatin1(arguments), QString::fromLatin1(summary),
            true};
}

} // namespace

const QList<CommandInfo> &commandTable()
{
    // Names and arguments follow londiste3 so its users feel at home.
    static const QList<CommandInfo> table = {
        built("create-root", "NAME [CONNSTR]", "make this database the root node"),
        notBuilt("create-branch", "NAME CONNSTR --provider=CONNSTR",
                 "add a node that applies and re-publishes the queue"),
        built("create-leaf", "NAME CONNSTR --provider=CONNSTR",
              "add a node that applies changes from its provider"),
        built("worker", "", "run this node's replication worker"),
        built("ticker", "", "run the ticker on its own (-d daemon, -s stop, -r reload)"),
        built("add-table",
              "TABLE... | --all [--dest-table=SCHEMA.TABLE] [--copy-condition=SQL] "
              "[--columns=a,b,c] [--create | --create-full] [--expect-sync] [--skip-truncate]",
              "replicate tables (or patterns like 'digoal_01.*') to this node; a leaf: into "
              "another schema and name, only rows matching a condition (in the copy and "
              "every later change), some columns; --create makes a missing table "
              "(--create-full with its indexes), --expect-sync skips the copy of a table "
              "already in sync, --skip-truncate copies without emptying first"),
        built("remove-table", "TABLE...", "stop replicating tables to this node"),
        built("tables", "", "list this node's tables and their states"),
        built("add-seq", "SEQ... | --all",
              "replicate sequences: a leaf keeps each at or past the root's value, never "
              "moving it backwards"),
        built("remove-seq", "SEQ...", "stop replicating sequences to this node (values stay)"),
        built("seqs", "", "list this node's sequences with the root's and this node's values"),
        built("status", "", "show the cascade: nodes, tables, lag, errors"),
        built("members", "", "list the nodes of the cascade"),
        built("node-status", "", "show this node: type, provider, worker, tick, lag, error"),
        built("drop-node", "NAME [--force]",
              "remove a node from the cascade (this one or, on the root, a leaf)"),
        built("compare",
              "[TABLE...] [--wait=SECONDS] [--lock-timeout=SECONDS] [--details] [--json]",
              "compare this node's tables with the provider's at a synced point (mapping and row "
              "condition applied): rows, 64-bit checksums, and the keys of the rows that differ"),
        built("repair", "[TABLE...] [--dry-run] [--wait=SECONDS] [--lock-timeout=SECONDS]",
              "fix exactly the rows that differ, in one transaction at a synced point; prints the "
              "SQL (--dry-run: only prints it)"),
        built("execute", "FILE... [--force] [--dry-run]",
              "run SQL scripts on the root and, through the queue, on every node with each "
              "node's table names (--dry-run prints per node what would run; --force runs a "
              "script again)"),
        built("resync", "TABLE...", "copy tables again from the provider (a leaf)"),
        built("pause", "", "pause this node's worker"),
        built("resume", "", "resume this node's worker"),
        built("skip-event", "[EVENT_ID]",
              "skip one event on a leaf (default: the one it stopped at); the rest of its "
              "batch applies"),
        built("replace-event", "EVENT_ID FILE",
              "apply the SQL in FILE in place of one event on a leaf, in its batch's "
              "transaction"),
        built("retry", "", "make this node's worker try a failed batch now (no back-off wait)"),
        built("wait-sync", "[--timeout=SECONDS]",
              "wait until every table of this node is in sync (1 on an error or the timeout)"),
        notBuilt("demo", "", "set up a demo cascade with sample tables and load"),
    };
    return table;
}

const CommandInfo *findCommand(const QString &name)
{
    for (const CommandInfo &info : commandTable()) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

} // namespace ferry::cli
