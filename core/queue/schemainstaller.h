#pragma once

#include "db/connection.h"

namespace ferry {

// Installs and upgrades Ferry's database side: the scripts of sql/ (embedded
// in the library), numbered 001, 002, ... Each script takes the schema from
// the previous version to its own; the installed version is recorded in
// ferry.schema_version. Installing is one transaction under an advisory lock,
// so two Ferry processes racing to install cannot both run a script.
class SchemaInstaller
{
public:
    struct Outcome
    {
        int fromVersion = 0; // 0: nothing was installed
        int toVersion = 0;
        bool changed() const { return fromVersion != toVersion; }
    };

    // The newest version this build knows.
    static int latestVersion();
    // 0 when the database has no Ferry schema.
    static Result<int> installedVersion(Connection &connection);
    // Installs or upgrades up to targetVersion (default: the newest). A
    // database already there is left alone; one with a newer version than this
    // build knows is refused. PostgreSQL older than 13 is refused.
    static Result<Outcome> install(Connection &connection, int targetVersion = 0);
    // Drops the ferry schema and, with it, every capture and deny trigger.
    static Result<void> uninstall(Connection &connection);
};

} // namespace ferry
